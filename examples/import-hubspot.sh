#!/bin/sh
# Import HubSpot's deals export (Deals > Export > CSV) into dealcoach.
# Imported deals have no interview yet: they show under "not qualified" in `dealcoach next`
# until `dealcoach qualify DEAL` fills them in. Running it again updates them by Record ID.
#
#   sh examples/import-hubspot.sh [FILE]          (default: examples/hubspot-deals.csv)
#
# DEALCOACH names the executable (default: dealcoach on your PATH).
set -eu
dealcoach=${DEALCOACH:-dealcoach}
file=${1:-"$(dirname "$0")/hubspot-deals.csv"}

# First look at what would change; nothing is written.
"$dealcoach" import "$file" --from hubspot --dry-run
# Then import it: one transaction, all rows or (with any bad row) none.
"$dealcoach" import "$file" --from hubspot
"$dealcoach" list --status all
