#!/usr/bin/env bash
# make-inbox.sh - build a small inbox for samples/roster/roster.csv, one package per roster status.
#
# Usage: bash samples/roster/make-inbox.sh DIR     (needs python3; DIR must not exist)
#
# Packages are zips of samples/pass, samples/fail and samples/exactly-60 with a training-package.json
# added, and a file time set to the day each was "received" (noon, Beijing time). With
# TRAINPACK_TODAY=2024-08-05 and samples/roster/roster.csv they give:
#   东湖职业技术学院  GP2024-111-1  received 2024-07-20, deadline 2024-07-30 -> pass (matched by id)
#   西岭师范大学      (no id)       received 2024-08-02, deadline 2024-07-30 -> late, 3 days (matched by provider)
#   南川技师学院      GP2024-112-1  fails the 60% video rule              -> fail
#   白石师范大学      GP2024-121-1  two packages (07-25, 08-01)             -> matched twice; the later one counts: pass
#   云台职业学院      (no id)       received 2024-08-03, deadline 2024-08-31 -> pass (matched by provider)
#   未列名培训中心    GP2024-999-1  on no roster row                          -> unmatched
#   every other row: nothing received                                        -> missing (overdue, or days left)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:?usage: make-inbox.sh DIR}
[ -e "$DIR" ] && { echo "$DIR exists; give a new folder" >&2; exit 2; }
python3 - "$HERE/.." "$DIR" <<'PY'
import datetime, json, os, sys, zipfile

samples, inbox = sys.argv[1], sys.argv[2]
os.makedirs(inbox)
DT = (2024, 3, 1, 9, 0, 0)

def package(name, sample, descriptor, day):
    path = os.path.join(inbox, name + ".zip")
    root = os.path.join(samples, sample)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for folder, dirs, files in sorted(os.walk(root)):
            dirs.sort()
            for f in sorted(files):
                full = os.path.join(folder, f)
                zi = zipfile.ZipInfo(os.path.relpath(full, root), DT)
                zi.compress_type = zipfile.ZIP_DEFLATED
                with open(full, "rb") as fh:
                    z.writestr(zi, fh.read())
        zi = zipfile.ZipInfo("training-package.json", DT)
        z.writestr(zi, json.dumps(descriptor, ensure_ascii=False, indent=2))
    # Noon in Beijing (04:00 UTC): the same calendar day in any zone from UTC-4 to UTC+14.
    t = datetime.datetime.fromisoformat(day + "T04:00:00+00:00").timestamp()
    os.utime(path, (t, t))

def d(id_, provider, title):
    return {"id": id_, "title": title, "provider": provider}

package("东湖-乡村振兴", "pass", d("GP2024-111-1", "东湖职业技术学院", "乡村振兴带头人培训 基础模块"), "2024-07-20")
package("西岭-乡村振兴", "pass", d("XL-2024-01", "西岭师范大学", "乡村振兴带头人培训 基础模块"), "2024-08-02")
package("南川-乡村振兴", "fail", d("GP2024-112-1", "南川技师学院", "乡村振兴带头人培训 专业提升"), "2024-07-15")
package("白石-校长领航-初稿", "exactly-60", d("GP2024-121-1", "白石师范大学", "校长领航计划 基础模块（初稿）"), "2024-07-25")
package("白石-校长领航-终稿", "pass", d("GP2024-121-1", "白石师范大学", "校长领航计划 基础模块"), "2024-08-01")
package("云台-校长领航", "exactly-60", d("YT-2024-07", "云台职业学院", "校长领航计划 专业提升"), "2024-08-03")
package("未列名-安全生产", "pass", d("GP2024-999-1", "未列名培训中心", "安全生产专项培训"), "2024-07-28")
print(f"inbox of 7 packages in {inbox}")
PY
