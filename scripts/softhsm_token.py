"""Create (or reuse) a SoftHSM2 token for development and print the environment to use it.

Usage: .venv/bin/python scripts/softhsm_token.py DIRECTORY LABEL

The user PIN is random and kept in DIRECTORY/user.pin (mode 0600); nothing secret is printed.
Then, for example:  eval "$(.venv/bin/python scripts/softhsm_token.py var/softhsm egov)"
                    manage.py issue_certificate --agency 000.00.09.H58 --token egov
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from egov.signatures import softhsm


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    hsm = softhsm.prepare(Path(sys.argv[1]).resolve())
    softhsm.init_token(hsm, sys.argv[2])
    for name, value in hsm.environment().items():
        print(f"export {name}={value}")


if __name__ == "__main__":
    main()
