"""Fail when TEST_DATABASE_URL was set but a PostgreSQL test skipped anyway."""

import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
ran = skipped = 0
for case in root.iter("testcase"):
    skip = case.find("skipped")
    reason = (skip.get("message", "") + (skip.text or "")) if skip is not None else ""
    on_postgres = "[postgres" in case.get("name", "") or "PostgreSQL" in reason
    if not on_postgres and "TEST_DATABASE_URL" not in reason:
        continue
    ran += 1
    if skip is not None:
        skipped += 1
        name = f"{case.get('classname')}::{case.get('name')}"
        print(f"skipped on PostgreSQL: {name}", file=sys.stderr)
if skipped or not ran:
    problem = f"CI: TEST_DATABASE_URL is set; {skipped} of {ran} PostgreSQL tests skipped"
    print(problem, file=sys.stderr)
    sys.exit(1)
print(f"PostgreSQL: {ran} storage tests ran, none skipped")
