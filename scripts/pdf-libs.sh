# Sourced by start and test: the system libraries WeasyPrint needs for PDF reports (Pango) and
# a font that covers Latin, Cyrillic and Arabic (DejaVu). Installed from Debian when missing;
# without them everything but the PDF download works (it answers 503).
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "Installing Pango and DejaVu fonts for PDF reports…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core >/dev/null; } || echo "Could not install them: PDF reports will be unavailable." >&2
fi
