package v7

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// `terraform plan -destroy` runs ModifyPlan with a null plan: it must warn how many objects the
// destroy removes and where, counting only the owned scope; with deletion_protection it must
// fail the plan.
func TestItemDestroyPlanPreviewsTheCleanupAndHonoursProtection(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Fakes: []sandbox.Fake{v7fake.New()}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c := sb.Store().Client()
	const id = "3f2c0000-0000-4000-8000-000000000001"
	folder := "v7/darwin/" + t.Name() + "/data/scan-1"
	for _, k := range []string{"uploads/u/thumbnails/0.jpg", "uploads/u/sections/0.png", "uploads/v/thumbnails/0.jpg", "x", "y/z"} {
		put(t, c, folder+"/"+k)
	}
	put(t, c, folder+"0/neighbour.jpg") // a longer name: not owned

	data := providerdata.New("test")
	data.Set(providerdata.V7, &providerdata.Conn{Endpoint: sb.Endpoints["v7"] + "/api", Secret: v7fake.APIKey, Settings: map[string]string{},
		HTTP: transport.New(transport.Config{Platform: PlatformName})})
	data.SetStorage(providerdata.NewStorage(func(context.Context) (storage.API, error) { return c, nil }))
	r := &itemResource{data: data, typeName: "dataplatforms_v7_item"}

	for _, protected := range []bool{false, true} {
		diags := planDestroy(ctx, t, r, id, folder, protected)
		if protected {
			if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), "protected from deletion") {
				t.Errorf("a protected item's destroy plan must fail, got %v", diags)
			}
			continue
		}
		if diags.HasError() || len(diags.Warnings()) != 1 {
			t.Fatalf("want one warning, got %v", diags)
		}
		detail := diags.Warnings()[0].Detail()
		if !strings.Contains(detail, "s3://"+sandbox.BucketPlain+"/"+folder+": 5 objects") {
			t.Errorf("the preview must count the 5 owned objects and name the scope, got:\n%s", detail)
		}
	}
}

func put(t *testing.T, c *s3.Client, key string) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(key), Body: strings.NewReader("d")}); err != nil {
		t.Fatal(err)
	}
}

func planDestroy(ctx context.Context, t *testing.T, r *itemResource, id, folder string, protected bool) diag.Diagnostics {
	t.Helper()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	null := tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)
	state := tfsdk.State{Schema: sch.Schema, Raw: null}
	scope := teardown.ScopeValue(ctx, sandbox.BucketPlain, []string{folder})
	m := itemModel{
		ID: types.StringValue(id), TeamSlug: types.StringValue(v7fake.TeamSlug), DatasetSlug: types.StringValue("d"), StorageSlug: types.StringValue("s"),
		Name: types.StringValue("scan-1"), Path: types.StringValue("/"),
		Slots: []slotModel{{SlotName: types.StringValue("0"), FileName: types.StringValue("f"),
			StorageKey: types.StringValue(t.Name() + "/scan-1.jpg")}},
		Tags:           types.SetNull(types.StringType),
		MetadataLayout: types.StringValue(LayoutNameFolder), ExtraMetadataPrefixes: types.ListNull(types.StringType),
		WaitForProcessing: types.BoolValue(true), DeletionProtection: types.BoolValue(protected), DatasetID: types.Int64Value(1),
		ProcessingStatus: types.StringValue("complete"), Status: types.StringValue("new"), MetadataScope: scope,
		MetadataObjectsFound: types.MapNull(types.Int64Type),
		PlatformDeleted:      types.BoolValue(false),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "update": types.StringType, "delete": types.StringType})},
	}
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("building the state: %v", diags)
	}
	plan := tfsdk.Plan{Schema: sch.Schema, Raw: null}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: plan}, &resp)
	return resp.Diagnostics
}
