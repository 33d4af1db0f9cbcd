package dandi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// versionRE is what a pipeline version may look like: v1.0.0, v1.0.0+fixes+20abeb6, …
var versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+_-]*$`)

// CheckVersion refuses a version that could match more than one version's directories.
func CheckVersion(v string) error {
	if !versionRE.MatchString(v) {
		return fmt.Errorf("version %q must be like v1.0.0 (letters, digits, . + _ -)", v)
	}
	return nil
}

// MatchesVersion reports whether a directory name belongs to version v: exactly
// "version-<v>", or "version-<v>+…" (a hash-suffixed build of it).
func MatchesVersion(name, v string) bool {
	want := "version-" + v
	return name == want || strings.HasPrefix(name, want+"+")
}

// VersionDirectories returns, sorted and relative to root (with /), the directories inside
// derivatives/dandiset-*/ (at any depth) that belong to version v. Symbolic links are never
// followed or listed, and nothing outside root is looked at.
func VersionDirectories(root, v string) ([]string, error) {
	dirs, _, err := VersionTree(root, v)
	return dirs, err
}

// VersionTree is VersionDirectories plus the symbolic links it does not follow (links, sorted,
// relative to root): a version directory that is a link, and a derivatives/dandiset-* entry that
// is a link. The provider never removes them nor what they point at; the remote assets of the
// version are found in the archive, whatever the local tree holds.
func VersionTree(root, v string) (dirs, links []string, err error) {
	if err := CheckVersion(v); err != nil {
		return nil, nil, err
	}
	info, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("dandiset_directory: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("dandiset_directory %s is not a directory", root)
	}
	derivatives := filepath.Join(root, "derivatives")
	if fi, err := os.Lstat(derivatives); errors.Is(err, fs.ErrNotExist) {
		return []string{}, []string{}, nil // no derivatives
	} else if err != nil {
		return nil, nil, err
	} else if fi.Mode()&fs.ModeSymlink != 0 {
		return []string{}, []string{"derivatives"}, nil
	} else if !fi.IsDir() {
		return []string{}, []string{}, nil
	}
	err = filepath.WalkDir(derivatives, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == derivatives {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		parts := strings.Split(rel, "/")
		if d.Type()&fs.ModeSymlink != 0 { // WalkDir reports links without following them
			if (len(parts) == 2 && strings.HasPrefix(parts[1], "dandiset-")) || (len(parts) >= 3 && MatchesVersion(d.Name(), v)) {
				links = append(links, rel)
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if len(parts) == 2 && !strings.HasPrefix(parts[1], "dandiset-") {
			return fs.SkipDir // only derivatives/dandiset-*/
		}
		if len(parts) >= 3 && MatchesVersion(d.Name(), v) {
			dirs = append(dirs, rel)
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("scanning %s: %w", derivatives, err)
	}
	slices.Sort(dirs)
	slices.Sort(links)
	if dirs == nil {
		dirs = []string{}
	}
	if links == nil {
		links = []string{}
	}
	return dirs, links, nil
}

// RemoteOfVersion reports whether an asset path in the archive lies inside a directory of
// version v under derivatives/dandiset-*/ (at any depth), as VersionTree finds them locally.
func RemoteOfVersion(path, v string) bool {
	parts := strings.Split(path, "/")
	if len(parts) < 4 || parts[0] != "derivatives" || !strings.HasPrefix(parts[1], "dandiset-") {
		return false
	}
	for _, dir := range parts[2 : len(parts)-1] {
		if MatchesVersion(dir, v) {
			return true
		}
	}
	return false
}

// RemoveTree removes root/rel after checking that no part of the path is a symbolic link, so
// that the removal stays inside root whatever was swapped in since the scan.
func RemoveTree(root, rel string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if clean == "." || filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		return fmt.Errorf("refusing to remove %q: not a directory inside %s", rel, root)
	}
	target := filepath.Join(realRoot, clean)
	cur := realRoot
	for _, part := range strings.Split(clean, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // already gone
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("refusing to remove %s: %s is a symbolic link", target, cur)
		}
	}
	return os.RemoveAll(target) // RemoveAll removes links inside the tree, never what they point at
}
