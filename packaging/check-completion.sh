#!/usr/bin/env bash
# Checks that the bash completion offers exactly what `aletheia --help` lists: every command,
# and for each command exactly the options its `--help` lists. Run by CTest
# (packaging_bash_completion) on a freshly generated file and by packaging/test-deb.sh on the
# installed one, so the completion cannot drift from the binary unnoticed.
#
#   check-completion.sh ALETHEIA_BIN COMPLETION_FILE
set -uo pipefail

aletheia="$1"
# shellcheck source=/dev/null
source "$2"
complete -p aletheia >/dev/null || { echo "check-completion: '$2' does not complete aletheia" >&2; exit 1; }

failures=0
offered() {  # the words the completion offers for COMP_WORDS=("$@"), completing the last one
  COMP_WORDS=("$@")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  _aletheia
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
compare() {  # WHAT EXPECTED OFFERED
  if [ "$2" != "$3" ]; then
    echo "check-completion: $1 differ"
    diff <(echo "$2") <(echo "$3") | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}

commands="$("$aletheia" --help | sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' | sort)"
[ -n "$commands" ] || { echo "check-completion: '$aletheia --help' lists no commands" >&2; exit 1; }
compare "commands" "$(printf '%s\nhelp\n--help\n' "$commands" | sort)" "$(offered aletheia '')"

n=0
for cmd in $commands; do
  options="$("$aletheia" "$cmd" --help | sed -n '/^options:$/,$s/^  \(-h, \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | sort)"
  compare "options of '$cmd'" "$options" "$(offered aletheia "$cmd" --)"
  n=$((n + $(echo "$options" | wc -l)))
done

if [ "$failures" -ne 0 ]; then
  echo "check-completion: FAILED ($failures differences)"
  exit 1
fi
echo "check-completion: ok ($(echo "$commands" | wc -l) commands, $n options, as '$aletheia --help' lists them)"
