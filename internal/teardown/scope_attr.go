package teardown

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// ScopeAttrTypes is the object type of a resource's owned-storage attribute (V7's
// metadata_scope, Code Ocean's cleanup_scope): the bucket and the exact prefixes, kept in state
// so that Delete needs nothing else.
var ScopeAttrTypes = map[string]attr.Type{"bucket": types.StringType, "prefixes": types.ListType{ElemType: types.StringType}}

// ScopeValue is the attribute value of a bucket and its owned prefixes (none: an empty list).
func ScopeValue(ctx context.Context, bucket string, prefixes []string) types.Object {
	if prefixes == nil {
		prefixes = []string{}
	}
	list, _ := types.ListValueFrom(ctx, types.StringType, prefixes)
	obj, _ := types.ObjectValue(ScopeAttrTypes, map[string]attr.Value{"bucket": types.StringValue(bucket), "prefixes": list})
	return obj
}

// ScopesFrom reads the attribute back into the scopes a Teardown empties: none when it is null,
// unknown or lists no prefix. attrName names it in errors.
func ScopesFrom(ctx context.Context, attrName string, v types.Object) ([]storage.Scope, error) {
	if v.IsNull() || v.IsUnknown() {
		return nil, nil
	}
	var s struct {
		Bucket   types.String `tfsdk:"bucket"`
		Prefixes []string     `tfsdk:"prefixes"`
	}
	if diags := v.As(ctx, &s, basetypes.ObjectAsOptions{}); diags.HasError() {
		return nil, fmt.Errorf("%s cannot be read", attrName)
	}
	if len(s.Prefixes) == 0 {
		return nil, nil
	}
	scope, err := storage.NewScope(s.Bucket.ValueString(), s.Prefixes...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", attrName, err)
	}
	return []storage.Scope{scope}, nil
}

// DeletionProtection is the deletion_protection attribute every deleting resource has: Guard
// refuses its destroy while it is true.
func DeletionProtection() schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		MarkdownDescription: "When `true`, destroy fails and touches nothing. Default `false`."}
}
