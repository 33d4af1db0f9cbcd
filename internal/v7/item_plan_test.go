package v7

import (
	"context"
	"fmt"
	"net/http"
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
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

// `terraform plan -destroy` runs ModifyPlan with a null plan: it must warn how many objects the
// destroy removes and where, counting only the owned scope; with deletion_protection it must
// fail the plan.
func TestItemDestroyPlanPreviewsTheCleanupAndHonoursProtection(t *testing.T) {
	ctx := context.Background()
	store, err := s3store.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	if err := store.CreateBucket(ctx, "preview-bucket", false, false); err != nil {
		t.Fatal(err)
	}
	c := store.Client()
	const id = "3f2c0000-0000-4000-8000-000000000001"
	for _, k := range []string{"files/s/thumbnail.jpg", "files/s/sections/high/0.png", "files/s/sections/low/0.jpg", "x", "y/z"} {
		put(t, c, "v7/darwin/"+id+"/"+k)
	}
	put(t, c, "v7/darwin/"+id+"0/neighbour.jpg") // a longer name: not owned

	data := providerdata.New("test")
	data.Set(providerdata.V7, &providerdata.Conn{Endpoint: "http://127.0.0.1:1/api", Secret: "k", Settings: map[string]string{}, HTTP: http.DefaultClient})
	data.SetStorage(providerdata.NewStorage(func(context.Context) (storage.API, error) { return c, nil }))
	r := &itemResource{data: data, typeName: "dataplatforms_v7_item"}

	for _, protected := range []bool{false, true} {
		diags := planDestroy(ctx, t, r, id, protected)
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
		if !strings.Contains(detail, "s3://preview-bucket/v7/darwin/"+id+": 5 objects") {
			t.Errorf("the preview must count the 5 owned objects and name the scope, got:\n%s", detail)
		}
	}
}

func put(t *testing.T, c *s3.Client, key string) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("preview-bucket"), Key: aws.String(key), Body: strings.NewReader("d")}); err != nil {
		t.Fatal(err)
	}
}

func planDestroy(ctx context.Context, t *testing.T, r *itemResource, id string, protected bool) diag.Diagnostics {
	t.Helper()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	null := tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)
	state := tfsdk.State{Schema: sch.Schema, Raw: null}
	scope := teardown.ScopeValue(ctx, "preview-bucket", []string{"v7/darwin/" + id})
	m := itemModel{
		ID: types.StringValue(id), TeamSlug: types.StringValue("t"), DatasetSlug: types.StringValue("d"), StorageSlug: types.StringValue("s"),
		Name: types.StringValue("scan-1"), Path: types.StringValue("/"),
		Slots:          []slotModel{{SlotName: types.StringValue("0"), FileName: types.StringValue("f"), StorageKey: types.StringValue("k")}},
		Tags:           types.SetNull(types.StringType),
		MetadataLayout: types.StringValue(LayoutItemUUID), ExtraMetadataPrefixes: types.ListNull(types.StringType),
		WaitForProcessing: types.BoolValue(true), DeletionProtection: types.BoolValue(protected), DatasetID: types.Int64Value(1),
		ProcessingStatus: types.StringValue("complete"), Status: types.StringValue("new"), MetadataScope: scope,
		PlatformDeleted: types.BoolValue(false),
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
