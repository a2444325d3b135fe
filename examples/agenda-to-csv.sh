#!/bin/sh
# Today's agenda as a CSV file for a spreadsheet: the planned follow-ups of open deals that are
# due today or overdue, one row each, with what to bring and the buyer step it serves.
#
#   sh examples/agenda-to-csv.sh [FILE]           (default: agenda.csv)
#
# DEALCOACH names the executable (default: dealcoach on your PATH).
set -eu
dealcoach=${DEALCOACH:-dealcoach}
out=${1:-agenda.csv}

"$dealcoach" export followups --due-by today --status open --output "$out"
