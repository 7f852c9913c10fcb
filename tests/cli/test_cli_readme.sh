#!/bin/sh
# tests/cli/test_cli_readme.sh - README.md's synopsis of the commands
# against the commands themselves: every option README shows for a
# command is one its --help describes, and a command whose usage lines
# list all its options (no [OPTIONS]) has each of them in README's
# synopsis too. -o and --output are one option.
. "$(dirname "$0")/lib.sh"

# the synopsis: from the first "    backprop train" line to the line after
# the last "    backprop ..." entry, continuation lines joined to their
# command; one line per command: NAME OPTIONS...
awk '/^    backprop [a-z]+ / { on = 1 }
     on && /^    mpirun|^$/ { exit }
     on && /^    backprop [a-z]+ / { if (line) print line; line = $2; rest = $0 }
     on && !/^    backprop [a-z]+ / { rest = $0 }
     on { n = split(rest, w, /[][ |()]+/)
          for (i = 1; i <= n; i++) if (w[i] ~ /^--?[a-z]/) line = line " " w[i] }
     END { if (line) print line }' README.md >"$TMP/synopsis"
[ "$(wc -l <"$TMP/synopsis")" -ge 8 ] && ok "README's synopsis: $(cut -d' ' -f1 "$TMP/synopsis" | sort -u | tr '\n' ' ')" ||
    fail "README's synopsis not found ($(wc -l <"$TMP/synopsis") commands)"

# opts: the options in standard input, one a line, -o for --output
opts() { grep -oE -- '(^|[^a-z-])--?[a-z][a-z0-9-]*' | sed -E 's/^[^-]*//; s/^--output$/-o/' | sort -u; }

for c in $(cut -d' ' -f1 "$TMP/synopsis" | sort -u); do
    $BP "$c" --help >"$TMP/help" 2>&1 || { fail "$c --help"; continue; }
    opts <"$TMP/help" >"$TMP/known"
    grep "^$c " "$TMP/synopsis" | cut -d' ' -f2- | tr ' ' '\n' | grep . |
        sed 's/^--output$/-o/' | sort -u >"$TMP/shown"
    stale=$(comm -23 "$TMP/shown" "$TMP/known" | tr '\n' ' ')
    [ -z "$stale" ] && ok "$c: README's options are all in its --help" ||
        fail "$c: README shows $stale, which --help does not describe"
    sed -n '1,/^$/p' "$TMP/help" >"$TMP/usage"
    if grep -q 'OPTIONS' "$TMP/usage"; then
        continue # a usage that lists some options only
    fi
    opts <"$TMP/usage" | grep -vx -- '--help' >"$TMP/usage.opts"
    missing=$(comm -23 "$TMP/usage.opts" "$TMP/shown" | tr '\n' ' ')
    [ -z "$missing" ] && ok "$c: every option of its usage is in README's synopsis" ||
        fail "$c: README's synopsis lacks $missing (see backprop $c --help)"
done
summary cli_readme
