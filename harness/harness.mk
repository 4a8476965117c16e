# harness/harness.mk: the real-kernel validation harness (docs/validation.md). Included from the top Makefile.
#
#   HARNESS_SRCS            host-side sources, linked into build/oomsim with the project's CFLAGS
#   build/harness/agent     the static in-VM agent (/init of the initramfs)
#   validate-setup          installs QEMU/cpio if missing, fetches the Debian cloud kernels into build/vm-cache
#   harness-selftest        boots the agent on harness/selftest/*.in (no simulator needed)

HARNESS_SRCS := harness/harness-input.c harness/harness-vm.c harness/harness-result.c \
                harness/harness-compare.c harness/harness-cmd.c harness/harness-progress.c

HARNESS_AGENT_CFLAGS := -static -O2 -Wall -Wextra

build/harness/agent: harness/agent.c
	@mkdir -p $(dir $@)
	$(CC) $(HARNESS_AGENT_CFLAGS) -o $@ $< -lpthread

.PHONY: validate-setup harness-selftest
validate-setup:
	harness/setup.sh

harness-selftest: build/harness/agent validate-setup
	harness/selftest.sh --determinism
