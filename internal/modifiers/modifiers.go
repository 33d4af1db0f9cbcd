// Package modifiers holds the plan modifiers more than one resource uses.
package modifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// ImportedKey is the private-state key an import sets and the first update clears: while it
// is set, the values in state came from the platform's answer or a guess, not from a
// configuration, and a configuration that spells them otherwise records its own in place.
const ImportedKey = "imported"

// privateReader and privateWriter are the parts of the framework's private state (a
// response's Private) the helpers use.
type (
	privateReader interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	privateWriter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

// MarkImported sets ImportedKey, from ImportState.
func MarkImported(ctx context.Context, p privateWriter) diag.Diagnostics {
	return p.SetKey(ctx, ImportedKey, []byte("true"))
}

// ClearImported removes ImportedKey, from Update: the configuration's values are now the state's.
func ClearImported(ctx context.Context, p privateWriter) diag.Diagnostics {
	return p.SetKey(ctx, ImportedKey, nil)
}

// imported says whether the state holds values an import filled and no apply has confirmed.
func imported(ctx context.Context, p privateReader) bool {
	if p == nil {
		return false
	}
	v, _ := p.GetKey(ctx, ImportedKey)
	return len(v) > 0
}

func unlessImportedText(object string) string {
	return "Changing this value replaces the " + object + ", except after an import, when it is recorded in place."
}

// StringReplaceUnlessImported replaces the resource (object names it: "item", "DR") when the
// value changes, except after an import: when the prior state holds none (the platform's
// answer cannot fill it), or holds what the import read or guessed (ImportedKey), the
// configuration's value is recorded in place.
func StringReplaceUnlessImported(object string) planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() && !imported(ctx, req.Private)
	}, unlessImportedText(object), unlessImportedText(object))
}

// ListReplaceUnlessImported is StringReplaceUnlessImported for a list.
func ListReplaceUnlessImported(object string) planmodifier.List {
	return listplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() && !imported(ctx, req.Private)
	}, unlessImportedText(object), unlessImportedText(object))
}

// ObjectReplaceUnlessImported is StringReplaceUnlessImported for an object.
func ObjectReplaceUnlessImported(object string) planmodifier.Object {
	return objectplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() && !imported(ctx, req.Private)
	}, unlessImportedText(object), unlessImportedText(object))
}
