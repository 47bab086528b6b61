"""Regenerate docs/screenshots/*.png: run the browser tests, which save their screenshots here.

重新生成docs/screenshots/中的截图：运行浏览器测试（tests/test_browser.py与tests/test_hub.py，后者需要root），
测试会把截图保存到这里。

    .venv/bin/python docs/screenshots.py          # extra arguments go to pytest, e.g. -k formgrader
"""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    env = dict(os.environ, COURSE_SCREENSHOTS=str(HERE / "screenshots"))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_browser.py",
               "tests/test_hub.py", *sys.argv[1:]]
    sys.exit(subprocess.call(command, cwd=HERE.parent, env=env))
