#!/usr/bin/env bash
# Generates, from the built programs' own --help, what the package installs beside them:
#   OUT/aletheia.1.gz, OUT/aletheia-studio.1.gz   manual pages (help2man; a plain page without it)
#   OUT/aletheia.bash-completion                   bash completion: every command and its options
#   OUT/changelog.gz                               packaging/changelog, compressed
# Run at install time (packaging/CPackConfig.cmake), so the default build does not pay for it.
#
#   generate-docs.sh ALETHEIA_BIN STUDIO_BIN|"" OUT VERSION
set -euo pipefail

aletheia="$1"
studio="$2"
out="$3"
version="$4"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Same bytes on every build: dates come from packaging/changelog's newest entry, not the clock.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(date -d "$(sed -n 's/^ -- .*>  //p' "$here/changelog" | head -1)" +%s)"
  export SOURCE_DATE_EPOCH
fi
# Help texts in a fixed language and width.
export LC_ALL=C.UTF-8 COLUMNS=80
# The binaries need no display for --help; keep Qt from looking for one anyway.
export QT_QPA_PLATFORM=offscreen

"$aletheia" --help >"$work/top.txt"
# `aletheia --help`: "commands:" then "  NAME   summary" lines, up to the first blank line.
awk '/^commands:$/ {on=1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}' "$work/top.txt" >"$work/commands"
[ -s "$work/commands" ] || { echo "generate-docs: no commands in '$aletheia --help'" >&2; exit 1; }

# Per command: its options ("  --name VALUE  help"; VALUE absent for a flag) and whether its
# usage line takes positional arguments ("<model-dir>").
while read -r cmd; do
  "$aletheia" "$cmd" --help >"$work/cmd-$cmd.txt"
  # An option's line (core/cli/args.cpp, helpText): "  --name VALUE", two or more spaces, its help.
  awk '/^options:$/ {on=1; next} on && /^  (-h, )?--/ {
         left=substr($0, 3); if (match(left, /  +/)) left=substr(left, 1, RSTART - 1);
         sub(/^-h, /, "", left); split(left, w, " "); print w[1], w[2] }' "$work/cmd-$cmd.txt" >"$work/opts-$cmd"
done <"$work/commands"

# ---- bash completion ---------------------------------------------------------------------
{
  echo "# bash completion for aletheia $version: generated from 'aletheia --help' and each"
  echo "# 'aletheia <command> --help' by packaging/generate-docs.sh; do not edit."
  echo "_aletheia() {"
  echo '    local cur prev cmd opts files dirs values'
  echo '    COMPREPLY=()'
  echo '    cur="${COMP_WORDS[COMP_CWORD]}"'
  echo '    prev="${COMP_WORDS[COMP_CWORD-1]}"'
  echo '    if [ "$COMP_CWORD" -eq 1 ]; then'
  echo "        COMPREPLY=( \$(compgen -W \"$(tr '\n' ' ' <"$work/commands")help --help\" -- \"\$cur\") )"
  echo '        return 0'
  echo '    fi'
  echo '    cmd="${COMP_WORDS[1]}"'
  echo '    positional=0'
  echo '    case "$cmd" in'
  while read -r cmd; do
    opts="" files="" dirs="" values=""
    while read -r name value; do
      opts="$opts $name"
      case "$value" in
        "") ;;
        FILE*|*.yaml|*.json) files="$files $name" ;;
        DIR*) dirs="$dirs $name" ;;
        *) values="$values $name" ;;
      esac
    done <"$work/opts-$cmd"
    pos=0
    # The usage lines (up to the first blank line) name a positional argument: "<model-dir>".
    awk '/^$/ {exit} /<[a-z-]+>/ {found=1} END {exit !found}' "$work/cmd-$cmd.txt" && pos=1
    echo "        $cmd) opts=\"${opts# }\"; files=\"${files# }\"; dirs=\"${dirs# }\"; values=\"${values# }\"; positional=$pos ;;"
  done <"$work/commands"
  echo '        *) return 0 ;;'
  echo '    esac'
  echo '    if [[ " $files " == *" $prev "* ]]; then'
  echo '        compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); return 0'
  echo '    elif [[ " $dirs " == *" $prev "* ]]; then'
  echo '        compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -d -- "$cur") ); return 0'
  echo '    elif [[ " $values " == *" $prev "* ]]; then'
  echo '        return 0'
  echo '    fi'
  echo '    if [[ "$cur" == -* || "$positional" -eq 0 ]]; then'
  echo '        COMPREPLY=( $(compgen -W "$opts" -- "$cur") )'
  echo '    else'
  echo '        compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -d -- "$cur") )'
  echo '    fi'
  echo '    return 0'
  echo '}'
  echo 'complete -F _aletheia aletheia'
} >"$out/aletheia.bash-completion"

# ---- manual pages ------------------------------------------------------------------------
# roff-safe text: backslashes, and a leading dot or quote would start a request.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\&\\1/" -e 's/-/\\-/g'; }

# aletheia(1): help2man reads `aletheia --help`; this adds the synopsis, every command's own
# --help (usage, what it does, its options), and the files and environment it uses.
{
  echo "[SYNOPSIS]"
  echo ".B aletheia"
  echo ".I command"
  echo ".RI [ options ]"
  echo ".br"
  echo ".B aletheia"
  echo ".I command"
  echo ".B \\-\\-help"
  echo "[COMMANDS IN DETAIL]"
  while read -r cmd; do
    f="$work/cmd-$cmd.txt"
    echo ".SS \"aletheia $cmd\""
    sed -n '1s/^usage: //p' "$f" | roff | sed 's/^/.B /'
    echo ".PP"
    # Summary and description: the paragraphs between the usage line and "options:".
    awk 'NR > 1 && /^options:$/ {exit} NR > 2 {print}' "$f" | roff | sed 's/^$/.PP/'
    awk '/^options:$/ {on=1; next} on {print}' "$f" | awk '
      /^  (-h, )?--/ {
        left=substr($0, 3); help=""
        if (match(left, /  +/)) { help=substr(left, RSTART + RLENGTH); left=substr(left, 1, RSTART - 1) }
        print ".TP"; print left; if (help != "") print help; next }
      { sub(/^ +/, ""); print }' | roff | sed 's/^\\&\.TP$/.TP/; s/^\.TP$/.TP/'
  done <"$work/commands"
  echo "[ENVIRONMENT]"
  echo ".TP"
  echo ".B ALETHEIA_CACHE_DIR"
  echo "Cache folder; the demo lives in its demo/ folder (default: \$XDG_CACHE_HOME/aletheia, else ~/.cache/aletheia)."
  echo ".TP"
  echo ".B OMP_NUM_THREADS"
  echo "CPU threads of libtorch (default: every core)."
  echo "[FILES]"
  echo ".TP"
  echo ".I /usr/share/aletheia/examples/"
  echo "Example experiment files for the \\fB\\-\\-config\\fR option."
  echo ".TP"
  echo ".I /usr/share/aletheia/demo/"
  echo "The demo's data and the shipped demo model (the programs carry their own copy)."
  echo ".TP"
  echo ".I ~/.cache/aletheia/demo/"
  echo "The demo's cache: the unpacked or pretrained demo model, its data and demo.yaml."
  echo "[SEE ALSO]"
  echo ".BR aletheia\\-studio (1)"
} >"$work/aletheia.h2m"

{
  echo "[FILES]"
  echo ".TP"
  echo ".I /usr/share/aletheia/examples/"
  echo "Example experiment files to open with \\fB\\-\\-experiment\\fR."
  echo "[SEE ALSO]"
  echo ".BR aletheia (1)"
} >"$work/aletheia-studio.h2m"

manpage() {  # BINARY NAME SUMMARY INCLUDE
  local bin="$1" name="$2" summary="$3" include="$4"
  if command -v help2man >/dev/null; then
    # help2man names the page after the file it runs: run it through a link with the right name.
    ln -sf "$(readlink -f "$bin")" "$work/$name"
    help2man --no-info --version-string="$version" --name="$summary" --section=1 \
             --manual="User Commands" --source="Aletheia Studio $version" \
             --include="$include" --output="$work/$name.1" "$work/$name"
  else
    # Without help2man: the --help text as it is, in a page man can show.
    echo "generate-docs: help2man not found, writing a plain manual page for $name" >&2
    {
      echo ".TH $(echo "$name" | tr a-z A-Z) 1 \"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)\" \"Aletheia Studio $version\" \"User Commands\""
      echo ".SH NAME"
      echo "$name \\- $summary"
      echo ".SH DESCRIPTION"
      echo ".nf"
      "$bin" --help | roff
      echo ".fi"
    } >"$work/$name.1"
  fi
  gzip -9nc "$work/$name.1" >"$out/$name.1.gz"
}

manpage "$aletheia" aletheia "selective, asymmetric-rank LoRA fine-tuning of language models" "$work/aletheia.h2m"
if [ -n "$studio" ]; then
  manpage "$studio" aletheia-studio "desktop studio for selective LoRA fine-tuning" "$work/aletheia-studio.h2m"
fi

gzip -9nc "$here/changelog" >"$out/changelog.gz"
