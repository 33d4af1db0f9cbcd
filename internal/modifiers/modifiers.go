// Package modifiers holds the plan modifiers more than one resource uses.
package modifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

func unlessImportedText(object string) string {
	return "Changing this value replaces the " + object + ", except after an import, when it is recorded in place."
}

// StringReplaceUnlessImported replaces the resource (object names it: "item", "DR") when the
// value changes, except when the prior state holds none: after an import, which the platform's
// answer cannot fill, the configuration's value is recorded in place.
func StringReplaceUnlessImported(object string) planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull()
	}, unlessImportedText(object), unlessImportedText(object))
}

// ListReplaceUnlessImported is StringReplaceUnlessImported for a list.
func ListReplaceUnlessImported(object string) planmodifier.List {
	return listplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull()
	}, unlessImportedText(object), unlessImportedText(object))
}
