#!/usr/bin/env bats
# make install and uninstall, with PREFIX and DESTDIR.

load helper

@test "make install puts tools, pages and completions under DESTDIR; uninstall removes them" {
	top=$BATS_TEST_DIRNAME/../..
	b=${CSM_BIN%/bin}
	run2 make -C "$top" -s install B="$b" PREFIX=/usr DESTDIR="$TMP/root"
	[ "$status" -eq 0 ]
	for f in bin/csm bin/csm-ingest share/man/man1/csm-ingest.1 \
	    share/man/man7/csm.7 share/man/man5/csm.conf.5 \
	    share/man/man5/csm-records.5 \
	    share/bash-completion/completions/csm \
	    share/bash-completion/completions/csm-ingest \
	    share/zsh/site-functions/_csm \
	    share/fish/vendor_completions.d/csm-ingest.fish; do
		[ -e "$TMP/root/usr/$f" ]
	done
	# The installed front door finds the installed tool.
	run2 "$TMP/root/usr/bin/csm" ingest --version
	[ "$status" -eq 0 ]
	[[ "$out" == "csm-ingest "* ]]
	run2 make -C "$top" -s uninstall B="$b" PREFIX=/usr DESTDIR="$TMP/root"
	[ "$status" -eq 0 ]
	[ -z "$(find "$TMP/root" -type f -o -type l)" ]
}
