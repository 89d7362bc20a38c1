"""The README's walkthrough as one bash script, so that a test can run every example in order against a running
system and say which one failed.

Conventions the README follows (stated in its "Using the API with curl" section):
- every fenced ``sh`` block runs, in order, in one ``bash`` session with ``set -euo pipefail``;
- a block preceded by ``<!-- not run by tests/walkthrough: <why> -->`` is not run (installing servers, ``make
  run`` itself): the reason is mandatory and shows in the README's source;
- a ``curl`` must answer 2xx unless the command is prefixed with ``EXPECT=<status>``, the visible marker of an
  error shown on purpose (``EXPECT=422 curl …``): the status must then be exactly that one. For a reader the
  prefix is an inert environment variable; here ``curl`` is a shell function that checks it.

The script keeps each README line at its own line number (the prelude sits on lines no executed block uses), so
bash's ``$LINENO`` in a failure is the README's line.
"""
import re
from dataclasses import dataclass

FENCE = re.compile(r"^```(\S*)\s*$")
SKIP = re.compile(r"^<!--\s*not run by tests/walkthrough:\s*(\S.*?)\s*-->$")
CURL = re.compile(r"(?:^|[\s;|&(])curl\s")
FAIL_MARK = "__README_FAIL__"
CURL_MARK = "__README_CURL__"
END_MARK = "__README_END__"


@dataclass(frozen=True)
class Block:
    number: int  # 1-based, counting every sh block of the README
    start: int  # README line of the block's first code line
    lines: tuple
    skip_reason: str | None

    @property
    def end(self):
        return self.start + len(self.lines) - 1

    def curl_calls(self):
        """How many ``curl`` commands the block's code runs (comments left out: the README has no loops)."""
        return sum(len(CURL.findall(strip_comment(line))) for line in self.lines)


def strip_comment(line):
    """``line`` without a trailing ``# comment`` (a ``#`` inside quotes or ``${…#…}`` is kept)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def sh_blocks(text):
    """Every fenced ``sh`` block of ``text`` in order, with the skip reason of the comment right above it."""
    blocks, lines = [], text.splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match or not match.group(1):
            index += 1
            continue
        language, start = match.group(1), index + 1
        end = start
        while end < len(lines) and not FENCE.match(lines[end]):
            end += 1
        if end == len(lines):
            raise ValueError(f"README.md line {index + 1}: the ``` block is never closed")
        if language == "sh":
            above = next((line for line in reversed(lines[:index]) if line.strip()), "")
            skip = SKIP.match(above.strip())
            blocks.append(Block(number=len(blocks) + 1, start=start + 1, lines=tuple(lines[start:end]),
                                skip_reason=skip.group(1) if skip else None))
        index = end + 1
    return blocks


def prelude(calls_log):
    """Bash run before the first block: strict mode, the failure report and the status-checking ``curl``."""
    return [
        "set -euo pipefail",
        f"trap 'echo \"{FAIL_MARK} $LINENO $? $BASH_COMMAND\" >&2' ERR",
        "curl() {",
        "  local headers status rc=0 expected=${EXPECT:-2xx}",
        "  headers=$(mktemp)",
        '  command curl -D "$headers" "$@" || rc=$?',
        "  status=$(awk '/^HTTP\\//{code=$2} END{print code}' \"$headers\")",
        '  rm -f "$headers"',
        f'  echo "${{BASH_LINENO[0]}} ${{status:-none}} $expected" >> {calls_log}',
        '  if [ "$rc" -ne 0 ]; then',
        f'    echo "{CURL_MARK} ${{BASH_LINENO[0]}} curl exited with $rc: curl $*" >&2; return "$rc"',
        "  fi",
        '  if [ "$expected" = 2xx ] && [[ $status == 2?? ]] || [ "$status" = "$expected" ]; then return 0; fi',
        f'  echo "{CURL_MARK} ${{BASH_LINENO[0]}} HTTP $status, expected $expected: curl $*" >&2; return 1',
        "}",
    ]


def script(blocks, calls_log):
    """The bash script: the prelude on the first lines, then each block's lines at their README line numbers, then
    a last line that logs ``END_MARK`` after the calls."""
    run = [block for block in blocks if block.skip_reason is None]
    if not run:
        raise ValueError("README.md has no sh block to run")
    head = prelude(calls_log)
    if len(head) >= run[0].start:
        raise ValueError(f"the prelude ({len(head)} lines) does not fit above README.md line {run[0].start}")
    lines = head + [""] * (run[-1].end - len(head))
    for block in run:
        lines[block.start - 1:block.end] = block.lines
    lines.append(f"echo {END_MARK} >> {calls_log}")  # proof that no line of the README ended the session early
    return "\n".join(lines) + "\n"


def failure(stderr, blocks, readme_lines):
    """A readable account of why the script stopped: the block, the README line and command, what curl said."""
    report = []
    for mark in (CURL_MARK, FAIL_MARK):
        for line in stderr.splitlines():
            if line.startswith(mark + " "):
                number, _, rest = line[len(mark) + 1:].partition(" ")
                report.append(_locate(int(number), blocks, readme_lines) + "\n    " + rest)
        if report:
            break
    return "\n".join(report) or "bash stopped without naming a command"


def _locate(line_number, blocks, readme_lines):
    """Where ``line_number`` is, and the whole command around it (the README indents continuation lines)."""
    block = next((b for b in blocks if b.start <= line_number <= b.end), None)
    if block is None:
        return f"the prelude, line {line_number}"
    first = line_number
    while first > block.start and readme_lines[first - 1][:1].isspace():
        first -= 1
    last = line_number
    while last < block.end and readme_lines[last][:1].isspace():
        last += 1
    command = "\n    ".join(readme_lines[first - 1:last])
    return f"block {block.number} (README.md lines {block.start}-{block.end}), README.md line {first}:\n    {command}"
