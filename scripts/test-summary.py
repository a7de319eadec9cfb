#!/usr/bin/env python3
"""Sums the Surefire and Failsafe XML reports of every module and prints one closing line: 'N passed, N failed, N skipped'."""
import glob
import sys
import xml.etree.ElementTree as ET

tests = failures = errors = skipped = 0
for path in glob.glob("**/target/*-reports/TEST-*.xml", recursive=True):
    root = ET.parse(path).getroot()
    tests += int(root.get("tests", 0))
    failures += int(root.get("failures", 0))
    errors += int(root.get("errors", 0))
    skipped += int(root.get("skipped", 0))
if tests == 0:
    print("no test reports found", file=sys.stderr)
    sys.exit(1)
failed = failures + errors
print(f"tests: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
