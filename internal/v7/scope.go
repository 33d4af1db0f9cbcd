package v7

import (
	"fmt"
	"path"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// Metadata layouts: where V7 writes an item's derived files in a read-write bucket.
const (
	// LayoutItemUUID is the current layout: {prefix}/{item_uuid}/files/{slot_uuid}/….
	LayoutItemUUID = "item_uuid"
	// LayoutLegacyName is the layout of items registered before 2023:
	// {prefix}[/{source folder}]/data/{item_name}/….
	LayoutLegacyName = "legacy_name"
	// LayoutNone declares that V7 wrote nothing the item owns.
	LayoutNone = "none"
)

// Layouts lists the accepted metadata_layout values.
var Layouts = []string{LayoutItemUUID, LayoutLegacyName, LayoutNone}

// ScopeInput is what decides an item's metadata scope, all known once the item is registered.
type ScopeInput struct {
	Storage     StorageConnection
	Layout      string
	ItemID      string
	ItemName    string
	StorageKeys []string
	// Extra are prefixes (relative to the bucket) the customer keeps derivatives under.
	Extra []string
}

// MetadataPrefixes returns the exact prefixes of the storage connection's bucket that the
// item owns: what V7 wrote for it (read-write connections only; V7 never writes to a
// read-only one) plus the declared extra prefixes. A prefix that would own the whole bucket,
// or a layout that cannot place the item, is an error rather than a wider scope.
func MetadataPrefixes(in ScopeInput) ([]string, error) {
	var out []string
	if !in.Storage.Readonly {
		switch in.Layout {
		case LayoutItemUUID, "":
			if strings.TrimSpace(in.ItemID) == "" || strings.Contains(in.ItemID, "/") {
				return nil, fmt.Errorf("item id %q cannot name a metadata folder", in.ItemID)
			}
			out = append(out, joinKey(in.Storage.Prefix, in.ItemID))
		case LayoutLegacyName:
			if strings.TrimSpace(in.ItemName) == "" || strings.Contains(in.ItemName, "/") {
				return nil, fmt.Errorf("item name %q cannot name a metadata folder", in.ItemName)
			}
			for _, k := range in.StorageKeys {
				out = append(out, joinKey(in.Storage.Prefix, path.Dir(k), "data", in.ItemName))
			}
		case LayoutNone:
		default:
			return nil, fmt.Errorf("unknown metadata layout %q (want one of %s)", in.Layout, strings.Join(Layouts, ", "))
		}
	}
	for _, p := range in.Extra {
		if strings.Trim(p, "/ ") == "" {
			return nil, fmt.Errorf("extra metadata prefix %q would own the whole bucket", p)
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

// joinKey joins key parts with "/", dropping empty parts and "." (the folder of a top-level key).
func joinKey(parts ...string) string {
	keep := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.Trim(p, "/")
		if p != "" && p != "." {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "/")
}
