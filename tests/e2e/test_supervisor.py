"""``make run`` restarts a process that dies, as Kubernetes restarts a crashed pod (issue 10 §4): the back-off,
and a real ``kill -9`` of the contacts service of the suite's stack, which the test leaves answering again (a stack
of its own cost 25-35 s of start and stop for one test)."""
import io
import os
import signal

from conftest import Stack, assert_problem, sign_up

from carnet_testing import eventually


class Exited:
    """What ``Stack.supervise`` reads of a process that has exited."""

    def __init__(self, name, code=-9):
        self.carnet_name, self.carnet_argv, self.carnet_env = name, ["true"], {}
        self.carnet_started, self.returncode = 0.0, code

    def poll(self):
        return self.returncode


def test_a_crashing_process_is_restarted_after_a_back_off_that_doubles_up_to_30_seconds(monkeypatch):
    log = io.StringIO()
    stack = Stack({}, log=log)
    spawned = []
    monkeypatch.setattr(stack, "_spawn", lambda name, argv, env: spawned.append(name) or stack.processes.append(
        Exited(name)))
    stack.processes.append(Exited("contacts"))

    waits = []
    now = 0.0
    for _ in range(7):
        assert stack.supervise(now=now) == []          # noticed: restart scheduled, nothing started yet
        waits.append(stack.restarts["contacts"][1] - now)
        now = stack.restarts["contacts"][1]
        assert stack.supervise(now=now) == ["contacts"]  # due: started again (and crashes again)
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    assert spawned == ["contacts"] * 7
    assert "| supervisor: exited with code -9; restarting in 1 s" in log.getvalue()
    assert "| supervisor: restarted (restart 7)" in log.getvalue()


def test_a_killed_service_comes_back_and_the_api_answers_again(stack):
    supervised = stack
    admin, _ = sign_up(supervised.url)
    contacts = next(p for p in supervised.processes if p.carnet_name == "contacts" and p.poll() is None)
    os.killpg(contacts.pid, signal.SIGKILL)
    contacts.wait()
    assert_problem(admin.get("/api/v1/contacts"), 503)   # nobody consumes contacts' RPC queue any more

    eventually(lambda: supervised.supervise() or admin.get("/api/v1/contacts").status_code == 200, timeout=60,
               interval=0.5, what="contacts restarted and answering through the gateway")
    log = supervised.log_path.read_text()
    assert "supervisor: exited with code -9; restarting in 1 s" in log and "supervisor: restarted (restart 1)" in log
