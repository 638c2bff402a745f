# Emoscope: the two commands a newcomer runs are `make run` and `make test`.
# Both install the Debian/Ubuntu packages that are missing first (as root, or with sudo).

SWIFT        ?= swift
PREFIX       ?= $(HOME)/.local
BUILD_FLAGS  ?=
RUN_ARGS     ?=
RUN_PACKAGES  = libsdl2-dev libsdl2-ttf-dev libopencv-dev libopenblas-dev opencv-data fonts-dejavu-core
TEST_PACKAGES = $(RUN_PACKAGES) xvfb xauth xdotool desktop-file-utils
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN   = $(shell $(SWIFT) build -c release --show-bin-path)/emoscope

.PHONY: run test build release deps test-deps bench install uninstall clean

run: deps release
	$(RELEASE_BIN) $(RUN_ARGS)

test: test-deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

build:
	$(SWIFT) build $(BUILD_FLAGS)

release:
	$(SWIFT) build -c release $(BUILD_FLAGS)

# Installs only what dpkg says is missing, so a second run costs nothing.
deps:
	@./scripts/install-packages.sh $(RUN_PACKAGES)

test-deps:
	@./scripts/install-packages.sh $(TEST_PACKAGES)

bench: deps release
	$(RELEASE_BIN) bench inference
	$(RELEASE_BIN) bench train

clean:
	rm -rf .build
