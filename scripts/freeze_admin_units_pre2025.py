"""Freeze the three-level administrative units (before 1 July 2025) into a committed data file.

Only one release of `vietnam-provinces` installs at a time: the project depends on the current
(two-level) one, and the historical structure comes from release 0.6.0, frozen here. Run once:

    python3 -m venv /tmp/vp060 && /tmp/vp060/bin/pip install vietnam-provinces==0.6.0
    /tmp/vp060/bin/python scripts/freeze_admin_units_pre2025.py

Every province and district is kept; communes are kept for the provinces named in
WARD_PROVINCES (the demo province), which keeps the file small.
"""

import json
from pathlib import Path

import vietnam_provinces

WARD_PROVINCES = {82}  # Tiền Giang
OUT = Path(__file__).resolve().parent.parent / "egov" / "org" / "data" / "admin_units_pre2025.json"


def main() -> None:
    source = Path(vietnam_provinces.__file__).parent / "data" / "nested-divisions.json"
    provinces = json.loads(source.read_text(encoding="utf-8"))
    frozen = []
    for province in provinces:
        districts = []
        for district in province["districts"]:
            wards = []
            if province["code"] in WARD_PROVINCES:
                wards = [
                    {"code": w["code"], "name": w["name"], "division_type": w["division_type"]}
                    for w in district["wards"]
                ]
            districts.append(
                {
                    "code": district["code"],
                    "name": district["name"],
                    "division_type": district["division_type"],
                    "wards": wards,
                }
            )
        frozen.append(
            {
                "code": province["code"],
                "name": province["name"],
                "division_type": province["division_type"],
                "districts": districts,
            }
        )
    payload = {"source": "vietnam-provinces 0.6.0", "valid_to": "2025-06-30", "provinces": frozen}
    OUT.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(frozen)} provinces)")


if __name__ == "__main__":
    main()
