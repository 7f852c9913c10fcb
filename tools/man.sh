#!/bin/sh
# tools/man.sh BACKPROP - the manual page backprop(1), in roff, on
# standard output, made from the command's own help texts: the list of
# commands from `backprop --help`, then each command's `--help` verbatim.
# So the page says what the built command does, and stays true when a
# help text changes (make install writes it; make check reads it back).
# Only the parts no help text holds - exit status, environment, see
# also - are written here.
set -e
BP=${1:?usage: tools/man.sh BACKPROP}
version=$("$BP" version | sed -n '1s/^backprop \([^ ]*\).*/\1/p')
top=$("$BP" --help)
commands=$(printf '%s\n' "$top" | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')

# esc: text as roff: backslashes kept, hyphens as minus signs (options
# copy and paste as typed), no line taken for a request
esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

cat <<EOF
.\\" backprop(1), made by tools/man.sh from the help texts of backprop $version
.TH BACKPROP 1 "" "backprop $version" "User Commands"
.SH NAME
backprop \\- feed\\-forward neural networks trained by backpropagation
.SH SYNOPSIS
.B backprop
.I COMMAND
.RI [ OPTIONS ]
.br
.B backprop
.I COMMAND
.B \\-\\-help
.SH DESCRIPTION
EOF
printf '%s\n' "$top" | awk '/^usage:/ { next } /^commands:/ { exit } { print }' |
    sed -e '/./,$!d' | esc | awk '/^$/ { gap = 1; next } { if (gap && n) print ".PP"; gap = 0; n++; print }'
echo ".PP"
echo "Commands:"
printf '%s\n' "$top" | awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
    on && /^  [a-z]/ { name = $1; sub(/^  [a-z]+ +/, ""); print name "\t" $0 }' |
while IFS='	' read -r name what; do
    echo ".TP"
    echo ".B $name"
    printf '%s\n' "$what" | esc
done
echo ".SH COMMANDS"
for c in $commands; do
    [ "$c" = help ] && continue
    echo ".SS $c"
    echo ".nf"
    "$BP" "$c" --help | esc
    echo ".fi"
done
cat <<'EOF'
.SH EXIT STATUS
.TP
.B 0
success
.TP
.B 1
bad input: a file that cannot be read, a value in it, a model that does
not fit the data; the message names the file, line and column
.TP
.B 2
usage: an unknown option, a missing or malformed argument
.SH ENVIRONMENT
.TP
.B BP_KERNEL
the kernel that runs the matrix products, as
.B \-\-kernel
chooses it;
.B backprop info \-\-kernels
lists the ones this CPU runs.
.SH SEE ALSO
The C library's header,
.IR backprop.h ,
documents the API the command is built on;
.B pkg\-config \-\-cflags \-\-libs backprop
gives the flags to build against it.
EOF
