#!/usr/bin/env bash
# Install the system packages casekit needs, when missing. Idempotent; safe to run often.
set -euo pipefail
# libgl1, libglib2.0-0: the shared libraries opencv-python (PP-OCR engine's image code) links against
PKGS=(tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk libharfbuzz-subset0 poppler-utils qpdf libgl1 libglib2.0-0)
# The web page's tests drive a real headless browser: Debian's Chromium and its WebDriver.
PKGS+=(chromium chromium-driver)
# `sysdeps.sh bench`: also what the benchmarks use (held-out Chromium mock-ups and their fonts).
if [ "${1:-}" = "bench" ]; then
  PKGS+=(fonts-wqy-microhei fonts-noto-color-emoji)
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    exit 0
  fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "casekit: 安装系统依赖 / installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
  fi
  echo "casekit: 缺少系统依赖 / missing system packages: ${missing[*]}" >&2
  echo "  请运行 / please run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 4
fi

# Not Debian: check the tools themselves and say what to install.
problems=()
command -v tesseract >/dev/null 2>&1 || problems+=("tesseract (Tesseract OCR 5)")
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then
  problems+=("tesseract chi_sim language data")
fi
command -v pdftotext >/dev/null 2>&1 || problems+=("poppler-utils (pdftotext, pdftoppm)")
command -v qpdf >/dev/null 2>&1 || problems+=("qpdf (the tests check every packet with qpdf --check)")
command -v chromedriver >/dev/null 2>&1 || problems+=("chromium and chromedriver (the web page's browser tests)")
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  problems+=("a CJK font such as Noto Sans CJK")
fi
if ((${#problems[@]})); then
  echo "casekit: 这不是 Debian 系统，请自行安装 / not Debian; please install: ${problems[*]}" >&2
  echo "  macOS: brew install tesseract tesseract-lang poppler qpdf font-noto-sans-cjk" >&2
  exit 4
fi
