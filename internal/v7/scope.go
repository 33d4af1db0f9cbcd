package v7

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

// Metadata layouts: where V7 writes an item's derived files in a read-write bucket.
const (
	// LayoutNameFolder is the layout of V7's own guide ("Deleting Metadata"), for items
	// registered since 2023: a folder named after the item next to its source,
	// {prefix}[/{source folder}]/data/{item name}/…. It is keyed by name, so two items with the
	// same name and source folder share it.
	LayoutNameFolder = "name_folder"
	// LayoutNone declares that V7 wrote nothing the item owns (the place of items registered
	// before 2023 is documented nowhere: declare it in extra_metadata_prefixes).
	LayoutNone = "none"
)

// Layouts lists the accepted metadata_layout values.
var Layouts = []string{LayoutNameFolder, LayoutNone}

// ScopeInput is what decides an item's metadata scope, all known once the item is registered.
type ScopeInput struct {
	Storage     StorageConnection
	Layout      string
	ItemName    string
	StorageKeys []string
	// Extra are prefixes (relative to the bucket) the customer keeps derivatives under.
	Extra []string
}

// NameFolder is a name-keyed metadata folder and the source folder it belongs to: V7 writes
// Prefix for every item named like this one whose source sits in SourceFolder ("" for a key at
// the bucket's root) of the same storage connection.
type NameFolder struct {
	Prefix       string
	SourceFolder string
	// Name is the item name the folder is keyed by.
	Name string
}

// SourceFolder is the folder of an object key, "" for a key at the root of the bucket. It
// is taken literally, as S3 does: "a/../b.jpg" is in the folder "a/..", never cleaned to "".
func SourceFolder(key string) string {
	i := strings.LastIndex(key, "/")
	if i < 0 {
		return ""
	}
	return key[:i]
}

// NameFolders returns the folders V7 writes an item's derived files to under the layout: one
// per distinct source folder of its slots, none on a read-only connection (V7 never writes
// there) or for LayoutNone.
func NameFolders(in ScopeInput) ([]NameFolder, error) {
	if in.Storage.Readonly {
		return nil, nil
	}
	switch in.Layout {
	case LayoutNameFolder, "":
	case LayoutNone:
		return nil, nil
	default:
		return nil, fmt.Errorf("unknown metadata layout %q (want one of %s)", in.Layout, strings.Join(Layouts, ", "))
	}
	if err := ValidName(in.ItemName); err != nil {
		return nil, fmt.Errorf("cannot name a metadata folder: %w", err)
	}
	var out []NameFolder
	for _, k := range in.StorageKeys {
		dir := SourceFolder(k)
		if err := validate.NoDotParts(dir); err != nil {
			return nil, fmt.Errorf("storage key %q %w", k, err)
		}
		f := NameFolder{Prefix: joinKey(in.Storage.Prefix, dir, "data", in.ItemName), SourceFolder: dir, Name: in.ItemName}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// MetadataPrefixes returns the exact prefixes of the storage connection's bucket that the
// item owns: the name-keyed folders V7 wrote for it plus the declared extra prefixes. A prefix
// that would own the whole bucket, or a layout that cannot place the item, is an error rather
// than a wider scope.
func MetadataPrefixes(in ScopeInput) ([]string, error) {
	folders, err := NameFolders(in)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range folders {
		out = append(out, f.Prefix)
	}
	for _, p := range in.Extra {
		if err := validate.OwnedPrefix(p); err != nil {
			return nil, fmt.Errorf("extra metadata %w", err)
		}
		out = append(out, strings.Trim(p, "/"))
	}
	if len(out) == 0 {
		return []string{}, nil
	}
	scope, err := storage.NewScope(in.Storage.Bucket, out...)
	if err != nil {
		return nil, err
	}
	return scope.Prefixes, nil
}

// maxKey is the longest S3 key, in bytes: a longer name or prefix can own nothing.
const maxKey = 1024

// ValidName checks an item name: V7 refuses an empty name or one with "/" (darwin-py's
// validator); "." or ".." would name no folder of its own, and a name longer than an S3 key
// cannot name one at all.
func ValidName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("an item name must not be empty")
	case strings.Contains(name, "/"):
		return fmt.Errorf("item name %q must not contain /", name)
	case name == "." || name == "..":
		return fmt.Errorf("item name %q must not be %q or %q", name, ".", "..")
	case len(name) > maxKey:
		return fmt.Errorf("an item name must be at most %d bytes (the longest S3 key), not %d", maxKey, len(name))
	}
	return nil
}

// ValidKey checks an object key relative to the bucket: not empty, no leading /, and no "." or
// ".." part (S3 takes them literally, so they name some other folder than they seem to).
func ValidKey(k string) error {
	switch {
	case strings.TrimSpace(k) == "":
		return errors.New("an object key must not be empty")
	case strings.HasPrefix(k, "/"):
		return fmt.Errorf("object key %q must be relative to the bucket, without a leading /", k)
	case len(k) > maxKey:
		return fmt.Errorf("an object key must be at most %d bytes, not %d", maxKey, len(k))
	}
	if err := validate.NoDotParts(k); err != nil {
		return fmt.Errorf("object key %q %w", k, err)
	}
	return nil
}

// joinKey joins key parts with "/", dropping empty parts.
func joinKey(parts ...string) string {
	keep := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.Trim(p, "/"); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "/")
}
