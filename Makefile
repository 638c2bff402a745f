# Emoscope: the two commands a newcomer runs are `make run` and `make test`.
# Both install the Debian/Ubuntu packages that are missing first (as root, or with sudo).

SWIFT        ?= swift
PREFIX       ?= $(HOME)/.local
BUILD_FLAGS  ?=
RUN_ARGS     ?=
RUN_PACKAGES  = libsdl2-dev libsdl2-ttf-dev libopencv-dev libopenblas-dev opencv-data fonts-dejavu-core libhdf5-dev
TEST_PACKAGES = $(RUN_PACKAGES) xvfb xauth xdotool desktop-file-utils
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN   = $(shell $(SWIFT) build -c release --show-bin-path)/emoscope

.PHONY: run test build release deps test-deps bench install uninstall clean fuzz

run: deps release
	$(RELEASE_BIN) $(RUN_ARGS)

test: test-deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)
	./Tests/EndToEnd/run.sh "$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS))/emoscope"

build:
	$(SWIFT) build $(BUILD_FLAGS)

release:
	$(SWIFT) build -c release $(BUILD_FLAGS)

# Installs only what dpkg says is missing, so a second run costs nothing.
deps:
	@./scripts/install-packages.sh $(RUN_PACKAGES)

test-deps:
	@./scripts/install-packages.sh $(TEST_PACKAGES)

# libFuzzer on the parsers of untrusted bytes (Tests/Fuzz), FUZZ_SECONDS per target (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) ./scripts/fuzz.sh

bench: deps release
	$(RELEASE_BIN) bench inference
	$(RELEASE_BIN) bench train

# Desktop integration under $(PREFIX) (default ~/.local): the app is in the menu and starts by double-click.
APPS_DIR  = $(PREFIX)/share/applications
ICONS_DIR = $(PREFIX)/share/icons/hicolor
DATA_DIR  = $(PREFIX)/share/emoscope

install: deps release
	install -Dm755 "$(RELEASE_BIN)" "$(PREFIX)/bin/emoscope"
	install -d "$(DATA_DIR)/Models"
	@if ls Resources/Models/*.safetensors >/dev/null 2>&1; then install -m644 Resources/Models/*.safetensors "$(DATA_DIR)/Models/"; \
	  else echo "note: no model in Resources/Models yet: the app will show faces without emotions"; fi
	install -Dm644 Resources/Icons/emoscope.svg "$(ICONS_DIR)/scalable/apps/emoscope.svg"
	install -Dm644 Resources/Icons/emoscope.png "$(ICONS_DIR)/256x256/apps/emoscope.png"
	sed 's|@BINARY@|$(PREFIX)/bin/emoscope|' Resources/Icons/emoscope.desktop.in > .emoscope.desktop
	@if command -v desktop-file-validate >/dev/null; then desktop-file-validate .emoscope.desktop; fi
	install -Dm644 .emoscope.desktop "$(APPS_DIR)/emoscope.desktop" && rm -f .emoscope.desktop
	-@command -v update-desktop-database >/dev/null && update-desktop-database -q "$(APPS_DIR)" || true
	-@command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$(ICONS_DIR)" 2>/dev/null || true
	@echo "Installed: $(PREFIX)/bin/emoscope and Emoscope in the applications menu"

uninstall:
	rm -f "$(PREFIX)/bin/emoscope" "$(APPS_DIR)/emoscope.desktop"
	rm -f "$(ICONS_DIR)/scalable/apps/emoscope.svg" "$(ICONS_DIR)/256x256/apps/emoscope.png"
	rm -rf "$(DATA_DIR)"
	-@command -v update-desktop-database >/dev/null && update-desktop-database -q "$(APPS_DIR)" || true
	@echo "Removed Emoscope from $(PREFIX) (settings in ~/.config/emoscope and snapshots are kept)"

clean:
	rm -rf .build
