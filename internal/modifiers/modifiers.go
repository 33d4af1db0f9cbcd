// Package modifiers holds the plan modifiers more than one resource uses.
package modifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ImportedKey is the private-state key an import sets: the values in state came from the
// platform's answer (or were found), not from a configuration. While it is set, a
// configuration that spells such a value differently but means the same (a connection by its
// slug instead of its name, a slot type left to the platform's guess) records it in place; a
// configuration that means something else replaces, as it would without an import. The mark
// needs no clearing: it exempts only what means the same.
const ImportedKey = "imported"

// privateReader and privateWriter are the parts of the framework's private state the helpers use.
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

// Imported says whether the state holds values an import read.
func Imported(ctx context.Context, p privateReader) bool {
	if p == nil {
		return false
	}
	v, _ := p.GetKey(ctx, ImportedKey)
	return len(v) > 0
}

func unlessImportedText(object string) string {
	return "Changing this value replaces the " + object + ", except after an import, when a value that means the same is recorded in place."
}

// StringReplaceUnlessImported replaces the resource (object names it: "item", "DR") when the
// value changes, except when the prior state holds none (an import the platform's answer
// could not fill: the configuration's value is recorded in place), or when, after an import,
// same says the configured value means the imported one. same may be nil.
func StringReplaceUnlessImported(object string, same func(ctx context.Context, req planmodifier.StringRequest) bool) planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		meansTheSame := same != nil && Imported(ctx, req.Private) && same(ctx, req)
		resp.RequiresReplace = !req.StateValue.IsNull() && !meansTheSame
	}, unlessImportedText(object), unlessImportedText(object))
}

// ListReplaceUnlessImported is StringReplaceUnlessImported for a list.
func ListReplaceUnlessImported(object string, same func(ctx context.Context, state, plan types.List) bool) planmodifier.List {
	return listplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
		meansTheSame := same != nil && Imported(ctx, req.Private) && same(ctx, req.StateValue, req.PlanValue)
		resp.RequiresReplace = !req.StateValue.IsNull() && !meansTheSame
	}, unlessImportedText(object), unlessImportedText(object))
}

// ObjectReplaceUnlessImported is StringReplaceUnlessImported for an object.
func ObjectReplaceUnlessImported(object string, same func(ctx context.Context, state, plan types.Object) bool) planmodifier.Object {
	return objectplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
		meansTheSame := same != nil && Imported(ctx, req.Private) && same(ctx, req.StateValue, req.PlanValue)
		resp.RequiresReplace = !req.StateValue.IsNull() && !meansTheSame
	}, unlessImportedText(object), unlessImportedText(object))
}
