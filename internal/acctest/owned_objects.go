package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

// ProbePlatform is the in-memory "platform" behind dataplatforms_acctest_owned_objects: it
// holds the ids of live objects, as a platform API would.
var ProbePlatform = &probePlatform{objects: map[string]bool{}}

type probePlatform struct {
	mu      sync.Mutex
	objects map[string]bool
}

// Has reports whether the platform holds an object.
func (p *probePlatform) Has(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.objects[id]
}

// Delete removes an object, as someone deleting it out of band would.
func (p *probePlatform) Delete(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.objects, id)
}

func (p *probePlatform) add(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objects[id] = true
}

// ownedObjectsResource is a test-only resource that follows the teardown contract exactly as the
// platform resources do: at create its "platform" writes objects under each owned prefix; destroy
// deletes the platform object, then the prefixes, through internal/teardown.
type ownedObjectsResource struct{ data *providerdata.Data }

var (
	_ resource.ResourceWithModifyPlan = &ownedObjectsResource{}
	_ resource.ResourceWithConfigure  = &ownedObjectsResource{}
)

type ownedObjectsModel struct {
	ID                 types.String `tfsdk:"id"`
	Bucket             types.String `tfsdk:"bucket"`
	Prefixes           types.List   `tfsdk:"prefixes"`
	ObjectsPerPrefix   types.Int64  `tfsdk:"objects_per_prefix"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
	PlatformDeleted    types.Bool   `tfsdk:"platform_deleted"`
}

func (r *ownedObjectsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_acctest_owned_objects"
}

func (r *ownedObjectsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":     schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"bucket": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"prefixes": schema.ListAttribute{ElementType: types.StringType, Required: true,
			PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()}},
		"objects_per_prefix":  schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(3)},
		"deletion_protection": teardown.DeletionProtection(),
		"platform_deleted":    schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false)},
	}}
}

func (r *ownedObjectsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// teardownOf builds the teardown from state alone, as the contract requires.
func (r *ownedObjectsResource) teardownOf(ctx context.Context, m ownedObjectsModel) (teardown.Teardown, diag.Diagnostics) {
	var prefixes []string
	diags := m.Prefixes.ElementsAs(ctx, &prefixes, false)
	t := teardown.Teardown{
		Object:          fmt.Sprintf("test object %q", m.ID.ValueString()),
		Protected:       m.DeletionProtection.ValueBool(),
		PlatformDeleted: m.PlatformDeleted.ValueBool(),
		DeletePlatform: func(context.Context) error {
			ProbePlatform.Delete(m.ID.ValueString()) // already gone is success
			return nil
		},
	}
	for _, p := range prefixes {
		scope, err := storage.NewScope(m.Bucket.ValueString(), p)
		if err != nil {
			diags.AddAttributeError(path.Root("prefixes"), "Invalid prefix", err.Error())
			return t, diags
		}
		t.Scopes = append(t.Scopes, scope)
	}
	return t, diags
}

func (r *ownedObjectsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data != nil {
		teardown.ModifyPlan(ctx, r.data, r.teardownOf, req, resp)
	}
}

func (r *ownedObjectsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m ownedObjectsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	m.ID = types.StringValue(hex.EncodeToString(id))
	t, diags := r.teardownOf(ctx, m)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	c := shared.Store().Client()
	for _, scope := range t.Scopes {
		for i := range m.ObjectsPerPrefix.ValueInt64() {
			key := fmt.Sprintf("%s/derived-%d.bin", scope.Prefixes[0], i)
			body := strings.Repeat("x", int(i)+1)
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(scope.Bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
				resp.Diagnostics.AddError("Writing derived object", err.Error())
				return
			}
		}
	}
	ProbePlatform.add(m.ID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *ownedObjectsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m ownedObjectsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || ProbePlatform.Has(m.ID.ValueString()) {
		return
	}
	teardown.ReadNotFound(ctx, r.data, r.teardownOf, m, req, resp)
}

func (r *ownedObjectsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m ownedObjectsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *ownedObjectsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	teardown.Delete(ctx, r.data, r.teardownOf, req, resp)
}
