"""The README's walkthrough runs, every example in order, against the real system (so it cannot rot).

Every ``sh`` block of README.md runs in one bash session (``readme_script``: ``set -euo pipefail``; a ``curl``
answering other than 2xx, or other than the status its ``EXPECT=`` prefix announces, stops the session), against
a fresh system whose port is the reader's ``CARNET_PORT``. A failure names the block, the README line, the
command and what curl got.
"""
import os
import subprocess
import sys
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import readme_script

from carnet_testing import eventually

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def readme_blocks():
    return readme_script.sh_blocks(README.read_text(encoding="utf-8"))


def test_readme_opens_with_make_run_and_make_test():
    first = readme_blocks()[0]
    commands = [readme_script.strip_comment(line).strip() for line in first.lines]
    assert [command for command in commands if command] == ["make run", "make test"]
    assert first.skip_reason, "the opening block starts the system: it needs a not-run marker with its reason"


def test_blocks_left_out_of_the_walkthrough_never_call_the_api():
    """The not-run marker is for setting a machine up, never a way to hide an example that fails."""
    for block in readme_blocks():
        if block.skip_reason:
            assert block.curl_calls() == 0 and not any("$API" in line for line in block.lines), block


def test_every_readme_example_runs_in_order_against_the_system(stack, mail_folder, dns_file, tmp_path):
    blocks = readme_blocks()
    calls_log = tmp_path / "calls.log"
    script = tmp_path / "readme.sh"
    script.write_text(readme_script.script(blocks, calls_log), encoding="utf-8")
    work = tmp_path / "cwd"
    work.mkdir()
    # the README's commands run from the project's folder: its scripts and its .venv (the one running the tests)
    (work / "scripts").symlink_to(ROOT / "scripts")
    (work / ".venv").symlink_to(sys.prefix)
    (work / ".run").mkdir()
    (work / ".run" / "mail").symlink_to(mail_folder[0])  # make run's mail catcher writes there
    # make run's settings a reader has: its port, its local DNS server's records, its RabbitMQ (the operator's
    # commands), here those of the walkthrough's system
    env = {"PATH": os.environ["PATH"], "HOME": str(work), "LANG": "C.UTF-8",
           "CARNET_PORT": str(stack.gateway_port), "CARNET_DNS_FILE": str(dns_file[0]),
           "AMQP_URI": stack.env["AMQP_URI"], "PSYCOPG_WAIT_FUNC": "wait_select"}

    result = subprocess.run(["bash", str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=300)

    if result.returncode != 0:
        readme_lines = README.read_text(encoding="utf-8").splitlines()
        pytest.fail(f"the README walkthrough stopped (bash exit {result.returncode}):\n"
                    f"{readme_script.failure(result.stderr, blocks, readme_lines)}\n"
                    f"--- last output ---\n{result.stdout[-1500:]}\n--- stderr ---\n{result.stderr[-1500:]}\n"
                    f"(the system's processes logged to {stack.log_path})", pytrace=False)
    *calls, end = calls_log.read_text().splitlines()
    assert end == readme_script.END_MARK
    # every curl of the README ran (the job's poll loop may run its own more than once)
    assert len(calls) >= sum(block.curl_calls() for block in blocks if not block.skip_reason), calls
    downloads = sorted(work.glob("*.xlsx"))
    assert len(downloads) >= 3, downloads  # a contacts file, a job's file, an opportunities file
    for download in downloads:
        assert zipfile.is_zipfile(download), download
    # the invitation it sends reaches the mail catcher, and so does its cancellation when its account is deleted
    folder, _ = mail_folder
    methods = eventually(lambda: _calendar_methods(folder), lambda found: {"REQUEST", "CANCEL"} <= set(found),
                         what="the walkthrough's invitation and its cancellation in the mail catcher")
    assert len(set(methods.values())) == 1, methods  # both to the contact invited


def _calendar_methods(folder):
    """``{method: recipient}`` of the calendar messages the catcher holds."""
    found = {}
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found[part.get_param("method")] = message["To"].addresses[0].addr_spec
    return found
