package dandi_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
)

// clone builds a local dandiset clone: every path ending in / is a directory, others files.
func clone(t *testing.T, paths ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o750); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const pipe = "derivatives/dandiset-000409/sub-01/pipeline-aind+ephys/"

func TestVersionDirectoriesMatchExactlyAndNeverFollowLinks(t *testing.T) {
	root := clone(t,
		pipe+"version-v1.0.0/attempt-1/code/submit.sh",
		pipe+"version-v1.0.0+fixes+20abeb6/attempt-1/code/submit.sh",
		pipe+"version-v1.0.00/x",
		pipe+"version-v1.0.0-rc/x",
		pipe+"Version-v1.0.0/x",
		"derivatives/dandiset-000409/deep/a/b/c/version-v1.0.0/x",
		"derivatives/other-000409/version-v1.0.0/x",   // not under dandiset-*
		"sourcedata/version-v1.0.0/x",                 // not under derivatives
		"derivatives/dandiset-000001/version-v1.0.0/", // directly under dandiset-*: matched
	)
	outside := clone(t, "version-v1.0.0/secret.txt", "dandiset-000777/pipe/version-v1.0.0/secret.txt")
	// Symlink traps: a matching name that is a link, and a dandiset-* link leading outside.
	if err := os.Symlink(filepath.Join(outside, "version-v1.0.0"), filepath.Join(root, pipe, "version-v1.0.0+linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "dandiset-000777"), filepath.Join(root, "derivatives", "dandiset-000777")); err != nil {
		t.Fatal(err)
	}
	got, err := dandi.VersionDirectories(root, "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"derivatives/dandiset-000001/version-v1.0.0",
		"derivatives/dandiset-000409/deep/a/b/c/version-v1.0.0",
		pipe + "version-v1.0.0",
		pipe + "version-v1.0.0+fixes+20abeb6",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	dirs, links, err := dandi.VersionTree(root, "v1.0.0")
	if err != nil || !slices.Equal(dirs, want) || !slices.Equal(links, []string{pipe + "version-v1.0.0+linked", "derivatives/dandiset-000777"}) {
		t.Errorf("VersionTree: %q, links %q, %v", dirs, links, err)
	}
	for path, want := range map[string]bool{
		pipe + "version-v1.0.0+linked/a.txt":                         true, // the remote half ignores what is local
		"derivatives/dandiset-000777/pipe/version-v1.0.0/secret.txt": true,
		pipe + "version-v1.0.0":                                      false, // a file, not inside the directory
		pipe + "version-v1.0.00/x":                                   false,
		"derivatives/other-000409/version-v1.0.0/x":                  false,
		"sourcedata/version-v1.0.0/x":                                false,
	} {
		if got := dandi.RemoteOfVersion(path, "v1.0.0"); got != want {
			t.Errorf("RemoteOfVersion(%q) = %v, want %v", path, got, want)
		}
	}
	fixes, err := dandi.VersionDirectories(root, "v1.0.0+fixes+20abeb6")
	if err != nil || !slices.Equal(fixes, []string{pipe + "version-v1.0.0+fixes+20abeb6"}) {
		t.Errorf("the hash-suffixed version alone: %q %v", fixes, err)
	}
	if _, err := dandi.VersionDirectories(root, "v1/../.."); err == nil {
		t.Error("a version with / must be refused")
	}
}

func TestRemoveTreeStaysInsideAndRefusesLinks(t *testing.T) {
	root := clone(t, pipe+"version-v1.0.0/a/b.txt", pipe+"version-v1.0.00/keep.txt")
	outside := clone(t, "precious/data.txt")
	if err := dandi.RemoveTree(root, pipe+"version-v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, pipe, "version-v1.0.0")); !os.IsNotExist(err) {
		t.Errorf("the tree is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, pipe, "version-v1.0.00", "keep.txt")); err != nil {
		t.Errorf("the near-miss sibling was touched: %v", err)
	}
	// A directory swapped for a link after the scan is refused, and its target survives.
	link := filepath.Join(root, pipe, "version-v2")
	if err := os.Symlink(filepath.Join(outside, "precious"), link); err != nil {
		t.Fatal(err)
	}
	if err := dandi.RemoveTree(root, pipe+"version-v2"); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("want a refusal, got %v", err)
	}
	for _, bad := range []string{"..", "../x", "/etc", "."} {
		if err := dandi.RemoveTree(root, bad); err == nil {
			t.Errorf("RemoveTree(%q) must be refused", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "precious", "data.txt")); err != nil {
		t.Errorf("outside data touched: %v", err)
	}
	if err := dandi.RemoveTree(root, pipe+"version-gone"); err != nil {
		t.Errorf("an already removed tree is done: %v", err)
	}
}

func FuzzMatchesVersion(f *testing.F) {
	for _, s := range [][2]string{{"version-v1.0.0", "v1.0.0"}, {"version-v1.0.00", "v1.0.0"}, {"version-v1.0.0+fixes+20abeb6", "v1.0.0"},
		{"version-v1.0.0-rc", "v1.0.0"}, {"Version-v1.0.0", "v1.0.0"}, {"version-v1.0.0+", "v1.0.0+"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, v string) {
		if !dandi.MatchesVersion(name, v) {
			return
		}
		rest := strings.TrimPrefix(name, "version-"+v)
		if !strings.HasPrefix(name, "version-"+v) || (rest != "" && rest[0] != '+') {
			t.Fatalf("%q matched version %q without being version-%s or version-%s+…", name, v, v, v)
		}
	})
}
