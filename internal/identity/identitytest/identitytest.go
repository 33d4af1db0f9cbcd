// Package identitytest calls a resource's ImportState as the framework does, by id or by
// identity, for the unit tests of resource identities.
package identitytest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Result is what an import answered.
type Result struct {
	State       tfsdk.State
	Identity    map[string]string // the response's identity; a null attribute is left out
	Diagnostics diag.Diagnostics
}

// Empty is a null identity of r's identity schema, as the framework hands Create and Read
// when none is recorded.
func Empty(t testing.TB, r resource.Resource) *tfsdk.ResourceIdentity {
	t.Helper()
	ctx := context.Background()
	var sch resource.IdentitySchemaResponse
	r.(resource.ResourceWithIdentity).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &sch)
	if sch.Diagnostics.HasError() {
		t.Fatal(sch.Diagnostics)
	}
	return &tfsdk.ResourceIdentity{Schema: sch.IdentitySchema, Raw: tftypes.NewValue(sch.IdentitySchema.Type().TerraformType(ctx), nil)}
}

// Import calls r's ImportState with the id when it is set, else with an identity of values
// (every attribute a string; one left out is null), and a null identity beside an id, as the
// framework does. r must not need its provider's configuration for the form used.
func Import(t testing.TB, r resource.Resource, id string, values map[string]string) Result {
	t.Helper()
	ctx := context.Background()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	ident := Empty(t, r)
	if id == "" {
		typ := ident.Schema.Type().TerraformType(ctx).(tftypes.Object)
		attrs := map[string]tftypes.Value{}
		for name := range typ.AttributeTypes {
			attrs[name] = tftypes.NewValue(tftypes.String, nil)
			if v, ok := values[name]; ok {
				attrs[name] = tftypes.NewValue(tftypes.String, v)
			}
		}
		ident.Raw = tftypes.NewValue(typ, attrs)
	}
	req := resource.ImportStateRequest{ID: id, Identity: &tfsdk.ResourceIdentity{Schema: ident.Schema, Raw: ident.Raw.Copy()}}
	resp := resource.ImportStateResponse{
		State:    tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)},
		Identity: &tfsdk.ResourceIdentity{Schema: ident.Schema, Raw: ident.Raw.Copy()},
	}
	// The framework's private state type is internal to it: a zero one is ready for SetKey.
	private := reflect.ValueOf(&resp).Elem().FieldByName("Private")
	private.Set(reflect.New(private.Type().Elem()))
	r.(resource.ResourceWithImportState).ImportState(ctx, req, &resp)
	return Result{State: resp.State, Identity: Values(t, resp.Identity), Diagnostics: resp.Diagnostics}
}

// Values reads an identity of string attributes; a null attribute is left out.
func Values(t testing.TB, ident *tfsdk.ResourceIdentity) map[string]string {
	t.Helper()
	out := map[string]string{}
	if ident == nil || ident.Raw.IsNull() {
		return out
	}
	var attrs map[string]tftypes.Value
	if err := ident.Raw.As(&attrs); err != nil {
		t.Fatal(err)
	}
	for name, v := range attrs {
		var s *string
		if err := v.As(&s); err != nil {
			t.Fatal(err)
		}
		if s != nil {
			out[name] = *s
		}
	}
	return out
}

// RoundTrip checks an identity against the id that names the same object: importing by either
// gives one state, the import's identity is values in both, and the identity the resource
// builds from that state (of, as Create, Read and Update build it) is values again.
func RoundTrip(t testing.TB, r resource.Resource, id string, values map[string]string, of func(context.Context, tfsdk.State) (any, diag.Diagnostics)) {
	t.Helper()
	ctx := context.Background()
	byID, byIdentity := Import(t, r, id, nil), Import(t, r, "", values)
	if byID.Diagnostics.HasError() || byIdentity.Diagnostics.HasError() {
		t.Fatalf("import %q: %v; import by identity %v: %v", id, byID.Diagnostics, values, byIdentity.Diagnostics)
	}
	if !byID.State.Raw.Equal(byIdentity.State.Raw) {
		t.Errorf("import by identity %v gives state\n%s\nimport %q gives\n%s", values, byIdentity.State.Raw, id, byID.State.Raw)
	}
	if !reflect.DeepEqual(byIdentity.Identity, values) || !reflect.DeepEqual(byID.Identity, values) {
		t.Errorf("identity after the import by identity %v, after the import %q %v; want %v", byIdentity.Identity, id, byID.Identity, values)
	}
	v, diags := of(ctx, byIdentity.State)
	ident := Empty(t, r)
	diags.Append(ident.Set(ctx, v)...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got := Values(t, ident); !reflect.DeepEqual(got, values) {
		t.Errorf("identity built from the imported state %v, want %v", got, values)
	}
}

// Refused checks that an import by the identity values fails, as "Invalid import identity" with
// a detail that holds want.
func Refused(t testing.TB, r resource.Resource, values map[string]string, want string) {
	t.Helper()
	res := Import(t, r, "", values)
	for _, d := range res.Diagnostics.Errors() {
		if d.Summary() == "Invalid import identity" && strings.Contains(d.Detail(), want) {
			return
		}
	}
	t.Errorf("import by identity %v: %v; want an invalid import identity saying %q", values, res.Diagnostics, want)
}
