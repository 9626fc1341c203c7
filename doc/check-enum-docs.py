#!/usr/bin/env python3
"""Undocumented enum values, from Doxygen's XML output.

Doxygen warns about undocumented functions, types, macros and struct members
but not about enum values; make docs runs this over doc/api/xml and adds
its lines, in Doxygen's warning format, to doc/api/warnings.log.
usage: check-enum-docs.py XML-DIR
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def has_text(elem):
    return elem is not None and "".join(elem.itertext()).strip() != ""


def main(xmldir):
    seen = set()
    for path in sorted(glob.glob(os.path.join(xmldir, "*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            continue
        for enum in root.iter("memberdef"):
            if enum.get("kind") != "enum":
                continue
            loc = enum.find("location")
            where = "%s:%s" % (loc.get("file"), loc.get("line")) if loc is not None else path
            ename = enum.findtext("name") or "(anonymous)"
            for value in enum.findall("enumvalue"):
                name = value.findtext("name")
                if has_text(value.find("briefdescription")) or has_text(
                    value.find("detaileddescription")
                ):
                    continue
                if (ename, name) in seen:
                    continue
                seen.add((ename, name))
                print(
                    "%s: warning: Enum value %s of enum %s is not documented."
                    % (where, name, ename)
                )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
