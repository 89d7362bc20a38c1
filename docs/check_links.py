"""Keep docs/ true to the tree: every path the docs cite exists, every function a "Where" line names is defined in
its file, every link (and its #anchor) resolves, every rule id the code or the README cites has its heading in
docs/rules/, and every such heading its line in the index of docs/README.md. The code's own citations of our
modules (``carnet_contacts/lifecycle/usecases.py``, ``carnet_common.jobs.JobRpc``) must resolve too.

    python docs/check_links.py      # lists what is wrong, exit status 1 if anything is

tests/walkthrough/test_docs.py runs it on every ``make test``, so a moved module or a renamed function shows up
as a failing test naming the doc line, not as a reader's dead end.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The rule prefixes of the specification (S-, C-, L-, O-, T-, D-, N-, E-, A-, F-, M-, AU-, DOC-).
RULE_ID = re.compile(r"\b(?:AU|DOC|[ACDEFLMNOST])-\d{1,2}\b")
RULE_HEADING = re.compile(r"^#{2,3} ((?:AU|DOC|[ACDEFLMNOST])-\d{1,2})\b", re.M)
TOP_DIRS = {"services", "gateway", "libs", "tests", "scripts", "bench", "deploy", "docs", ".ci"}
ROOT_FILES = {"Makefile", "README.md", "services.toml", "constraints.txt", "requirements-dev.txt", "pytest.ini",
              "ruff.toml"}
SKIPPED_DIRS = {".venv", ".git", "__pycache__", "node_modules", "build", ".run"}
BACKTICKED = re.compile(r"`([^`\s]+)`")
WHERE = re.compile(r"^\s*[-*] `(?P<path>[^`]+)`: (?P<names>`[^`]+`(?:, `[^`]+`)*)")
LINK = re.compile(r"\]\((?P<target>[^)\s#]*)(?:#(?P<anchor>[^)\s]*))?\)")
# Strings that look like a rule id but are data, in the one file where they are.
NOT_RULES = {("F-12", "tests/contract/test_opportunities_event_snapshots.py"): "an accounting invoice number"}


def is_repo_path(token):
    """Whether a backticked token names a file or folder of the repository (not a URL, a glob or a template)."""
    if any(char in token for char in "*<>{}$") or token.startswith(("/", "http")):
        return False
    return token in ROOT_FILES or (token.split("/", 1)[0] in TOP_DIRS and "/" in token)


def defined(path, name):
    """Whether ``name`` (``function``, ``Class`` or ``Class.method``; a module constant) is defined in ``path``, a
    .py file or a package folder."""
    last = name.split(".")[-1]
    pattern = re.compile(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(last)}\b|^{re.escape(last)}\s*[:=]", re.M)
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return any(pattern.search(file.read_text(encoding="utf-8")) for file in files)


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path):
    return {slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")}


def markdown_files(root):
    return sorted((root / "docs").rglob("*.md")) + [root / "README.md"]


def code_files(root):
    for top in sorted(TOP_DIRS - {"docs"}):
        for path in sorted((root / top).rglob("*.py")) if (root / top).is_dir() else ():
            if not SKIPPED_DIRS & set(path.relative_to(root).parts):
                yield path


def path_problems(root, doc):
    problems = []
    in_code_block = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_code_block = not in_code_block
        if in_code_block:
            continue
        where = f"{doc.relative_to(root)}:{number}"
        for token in BACKTICKED.findall(line):
            if is_repo_path(token) and not (root / token.rstrip("/")).exists():
                problems.append(f"{where}: {token} does not exist")
        match = WHERE.match(line)
        if match and (root / match["path"]).exists() and match["path"].endswith((".py", "/")):
            for name in re.findall(r"`([^`]+)`", match["names"]):
                if not defined(root / match["path"], name):
                    problems.append(f"{where}: {name} is not defined in {match['path']}")
        for link in LINK.finditer(line):
            target = link["target"]
            if target.startswith(("http:", "https:", "mailto:")):
                continue
            file = (doc.parent / target).resolve() if target else doc
            if not file.exists():
                problems.append(f"{where}: the link to {target} leads nowhere")
            elif link["anchor"] and file.suffix == ".md" and link["anchor"] not in anchors(file):
                problems.append(f"{where}: {target}#{link['anchor']} names no heading")
    return problems


def rule_problems(root):
    """Every rule id cited by the code or the README has a heading ``## <id> …`` in docs/rules/."""
    documented = set()
    for page in sorted((root / "docs" / "rules").glob("*.md")):
        documented.update(RULE_HEADING.findall(page.read_text(encoding="utf-8")))
    cited = {}
    for path in [*code_files(root), root / "README.md"]:
        for rule in RULE_ID.findall(path.read_text(encoding="utf-8")):
            if (rule, str(path.relative_to(root))) not in NOT_RULES:
                cited.setdefault(rule, path.relative_to(root))
    return [f"{rule} (cited in {cited[rule]}) has no heading in docs/rules/"
            for rule in sorted(set(cited) - documented)]


def index_problems(root):
    """Every rule heading of docs/rules/ has its line in the index of docs/README.md."""
    index = (root / "docs" / "README.md").read_text(encoding="utf-8")
    missing = []
    for page in sorted((root / "docs" / "rules").glob("*.md")):
        for rule in RULE_HEADING.findall(page.read_text(encoding="utf-8")):
            if f"[{rule}](rules/{page.name}#" not in index:
                missing.append(f"{rule} ({page.relative_to(root)}) is missing from the index of docs/README.md")
    return missing


MODULE_CITED = re.compile(r"(?<![/\w])carnet_(?:contacts|opportunities|identity|campaigns|forms|common|gateway"
                          r"|custom_fields|testing)(?:[/.][A-Za-z_][A-Za-z0-9_]*)+")
PACKAGE_DIRS = {"carnet_contacts": "services/contacts", "carnet_opportunities": "services/opportunities",
                "carnet_campaigns": "services/campaigns", "carnet_forms": "services/forms",
                "carnet_identity": "services/identity", "carnet_gateway": "gateway"}


def cites_existing_module(root, citation):
    """Whether ``carnet_x/a/b.py`` is a file, ``carnet_x.a.b`` a module or package, or ``carnet_x.a.name`` a name
    defined in the module ``carnet_x.a``."""
    is_file = citation.endswith(".py")
    parts = re.split(r"[/.]", citation[:-3] if is_file else citation)
    base = root / PACKAGE_DIRS.get(parts[0], f"libs/{parts[0]}")
    path = base.joinpath(*parts)
    if is_file:
        return path.with_suffix(".py").is_file()
    if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
        return True
    parent = base.joinpath(*parts[:-1])
    module = parent.with_suffix(".py") if parent.with_suffix(".py").is_file() else parent / "__init__.py"
    return module.is_file() and re.search(rf"\b{re.escape(parts[-1])}\b", module.read_text()) is not None


def module_problems(root):
    """Citations of our modules in the code and the README that lead nowhere (a module moved, a name renamed)."""
    missing = []
    for path in [*code_files(root), root / "README.md"]:
        if not path.is_file() or path.relative_to(root).as_posix() == "tests/walkthrough/test_docs.py":
            continue  # that test cites missing modules on purpose
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for citation in MODULE_CITED.findall(line):
                if not citation.rsplit(".", 1)[-1].startswith("__") and not cites_existing_module(root, citation):
                    missing.append(f"{path.relative_to(root)}:{number}: {citation} does not exist")
    return missing


def problems(root=ROOT):
    found = []
    for doc in markdown_files(root):
        found += path_problems(root, doc)
    return found + rule_problems(root) + index_problems(root) + module_problems(root)


def main():
    found = problems()
    for problem in found:
        print(problem)
    print(f"docs/check_links.py: {len(found)} problem(s)" if found else "docs/check_links.py: every citation resolves")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
