# Shared by build-deb and build-image: the version and the static binary.
# Sourced, not run. Needs bash, git (optional) and Go.

# guichet_version prints the package version, valid for Debian (policy
# §5.6.12: starts with a digit; no hyphen, as the package has no Debian
# revision) and used as the binary's version string:
#   VERSION set in the environment      that, checked (a tarball without .git)
#   HEAD tagged v0.3.0                   0.3.0
#   5 commits after v0.3.0               0.3.0+git20261204.200000.1a2b3c4
#   no v* tag                            0.0.0+git20261204.200000.1a2b3c4
# The commit's date and time (UTC) come before its hash so that two builds
# of one day sort in the order of their commits.
# A pre-release tag v1.0.0-rc1 gives 1.0.0~rc1, which dpkg sorts before
# 1.0.0. Uncommitted changes add ~dirty, sorted before the clean build of
# the same commit so that installing the clean one is an upgrade.
guichet_version() {
	local v
	if [ -n "${VERSION:-}" ]; then
		v=$VERSION
	elif git rev-parse --git-dir >/dev/null 2>&1; then
		local desc date hash count
		hash=$(git rev-parse --short=7 HEAD)
		date=$(TZ=UTC git show -s --date=format-local:%Y%m%d.%H%M%S --format=%cd HEAD)
		if desc=$(git describe --tags --long --match 'v[0-9]*' HEAD 2>/dev/null); then
			# v0.3.0-5-g1a2b3c4: tag, commits since, hash.
			count=${desc%-g*}
			count=${count##*-}
			v=${desc%-*-g*}
			v=${v#v}
			v=${v//-/\~}
			if [ "$count" != 0 ]; then
				v="$v+git$date.$hash"
			fi
		else
			v="0.0.0+git$date.$hash"
		fi
		if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
			v="$v~dirty"
		fi
	else
		echo "no git checkout here: set VERSION=X.Y.Z" >&2
		return 1
	fi
	if ! [[ $v =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
		echo "version '$v' is not a valid Debian version (digits first, then letters, digits, . + ~)" >&2
		return 1
	fi
	printf '%s\n' "$v"
}

# guichet_build OUT VERSION GOARCH builds the static binary: no cgo (so no
# libc to match on the target), -trimpath (no build paths in the binary),
# -buildvcs=true (overrides a GOFLAGS=-buildvcs=false, so that `guichet
# version` names the commit when built from a clone; Go finds no
# repository in a git worktree, where the version string alone names the
# commit), symbols stripped.
guichet_build() {
	local out=$1 version=$2 goarch=$3 vcs=false
	# Only where git answers: Go fails the build when git does (a checkout
	# owned by another user, no git installed).
	if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
		vcs=true
	fi
	CGO_ENABLED=0 GOOS=linux GOARCH=$goarch \
		go build -trimpath -buildvcs=$vcs \
		-ldflags "-s -w -X main.version=$version" \
		-o "$out" ./cmd/guichet
}

# guichet_third_party_licenses GOARCH prints the licence files of every Go
# module linked into the binary: MIT, BSD and Apache-2.0 ask that their
# notices go with binary copies too.
guichet_third_party_licenses() {
	local goarch=$1 path dir f found
	printf 'Licences of the Go modules statically linked into /usr/bin/guichet.\n'
	printf '\n==============================================================================\n'
	printf 'The Go standard library and runtime, %s\n' "$(go env GOVERSION)"
	printf '==============================================================================\n\n'
	cat "$(go env GOROOT)/LICENSE"
	CGO_ENABLED=0 GOOS=linux GOARCH=$goarch \
		go list -deps -f '{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}}{{with .Replace}} (modified copy in {{.Path}}){{end}}{{"\t"}}{{.Dir}}{{end}}{{end}}' ./cmd/guichet |
		sort -u |
		while IFS=$'\t' read -r path dir; do
			[ -n "$path" ] || continue
			printf '\n==============================================================================\n'
			printf '%s\n' "$path"
			printf '==============================================================================\n'
			found=
			for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING* "$dir"/NOTICE*; do
				[ -f "$f" ] || continue
				printf '\n--- %s\n\n' "${f##*/}"
				cat "$f"
				found=1
			done
			if [ -z "$found" ]; then
				echo "no licence file found in $dir" >&2
				return 1
			fi
		done
}
