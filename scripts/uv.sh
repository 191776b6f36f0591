# Sourced by the other scripts: finds uv (installing it with pip if missing) as $UV.
export UV_PYTHON_DOWNLOADS=never
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
  echo "Installing uv with pip…"
  "$PYTHON" -m pip install --quiet uv \
    || "$PYTHON" -m pip install --quiet --user uv \
    || "$PYTHON" -m pip install --quiet --user --break-system-packages uv
fi
UV="$PYTHON -m uv"
