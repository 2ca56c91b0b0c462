"""Fail when TEST_DATABASE_URL was set but a PostgreSQL-parametrised test skipped."""

import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
ran = skipped = 0
for case in root.iter("testcase"):
    if "[postgres" not in case.get("name", ""):
        continue
    ran += 1
    if case.find("skipped") is not None:
        skipped += 1
        name = f"{case.get('classname')}::{case.get('name')}"
        print(f"skipped on PostgreSQL: {name}", file=sys.stderr)
if skipped or not ran:
    problem = f"CI: TEST_DATABASE_URL is set; {skipped} of {ran} PostgreSQL tests skipped"
    print(problem, file=sys.stderr)
    sys.exit(1)
print(f"PostgreSQL: {ran} storage tests ran, none skipped")
