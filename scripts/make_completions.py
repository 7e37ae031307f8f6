"""Regenerate completions/ from the app (run after changing commands): python scripts/make_completions.py"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {"bash": "advocate.bash", "zsh": "_advocate", "fish": "advocate.fish"}


def generate(shell: str) -> str:
    env = {**os.environ, "_ADVOCATE_COMPLETE": f"source_{shell}"}
    out = subprocess.run([sys.executable, "-m", "advocate"], env=env, capture_output=True, text=True, check=True)
    return out.stdout.lstrip("\n")  # zsh wants #compdef on line one


if __name__ == "__main__":
    for shell, name in FILES.items():
        (ROOT / "completions" / name).write_text(generate(shell))
        print(f"wrote completions/{name}")
