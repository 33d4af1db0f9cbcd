package younite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/modifiers"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

var (
	_ resource.ResourceWithConfigure   = &dataRecordResource{}
	_ resource.ResourceWithModifyPlan  = &dataRecordResource{}
	_ resource.ResourceWithImportState = &dataRecordResource{}
)

// NewDataRecordResource is dataplatforms_younite_data_record.
func NewDataRecordResource() resource.Resource {
	return &dataRecordResource{typeName: providerdata.ProviderTypeName + "_younite_data_record"}
}

type dataRecordResource struct {
	data     *providerdata.Data
	typeName string
}

type dataRecordModel struct {
	ID                 types.String         `tfsdk:"id"`
	ZoneUUID           types.String         `tfsdk:"zone_uuid"`
	Domain             types.String         `tfsdk:"domain"`
	DomainVersion      types.Int64          `tfsdk:"domain_version"`
	JSON               jsontypes.Normalized `tfsdk:"json"`
	DeleteAdaptorUUIDs types.Set            `tfsdk:"delete_adaptor_uuids"`
	DeletionProtection types.Bool           `tfsdk:"deletion_protection"`
	DomainType         types.String         `tfsdk:"domain_type"`
	LinkedAdaptorUUIDs types.Set            `tfsdk:"linked_adaptor_uuids"`
	Timeouts           timeouts.Value       `tfsdk:"timeouts"`
}

func (r *dataRecordResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_younite_data_record"
	resp.TypeName = r.typeName
}

func (r *dataRecordResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func uuidValidator() validator.String {
	return validate.String("a UUID such as 123e4567-e89b-12d3-a456-426614174000", validate.UUID)
}

func (r *dataRecordResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A YOUnite data record (DR). Create one in a data-store (`MDM_DATA_STORE`) domain, or adopt an existing DR " +
			"(such as a federated one, whose payload lives in the source systems) by import. `terraform destroy` deletes the DR " +
			"everywhere — for a federated DR that means **the source entity at every linked adaptor** — or, when " +
			"`delete_adaptor_uuids` is set, only at those adaptors, leaving the DR in YOUnite. After the delete the provider asks " +
			"YOUnite's link check for each adaptor concerned and warns about a link that survives.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The DR's UUID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"zone_uuid": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Zone to act in, sent as the `zoneUuid` query parameter. Default: the provider's `younite.zone_uuid`; " +
					"needed when the token belongs to several zones.",
				Validators:    []validator.String{uuidValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}},
			"domain": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the DR's data domain, such as `states`. " +
				"Changing it replaces the DR, except after an import that could not tell it (YOUnite's documented DR answer does not name the domain, " +
				"and the import id did not), when it is recorded in place.",
				Validators:    []validator.String{stringvalidator.LengthBetween(3, 128)},
				PlanModifiers: []planmodifier.String{modifiers.StringReplaceUnlessImported("DR", nil)}},
			"domain_version": schema.Int64Attribute{Optional: true, Computed: true,
				MarkdownDescription: "Domain version (`states:v1` is 1). Default: the domain's default version, left out of the create; " +
					"null when YOUnite's answer does not say which.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplaceIfConfigured()}},
			"json": schema.StringAttribute{Optional: true, Computed: true, CustomType: jsontypes.NormalizedType{},
				MarkdownDescription: "The record as a JSON object, such as `jsonencode({ name = \"Oregon\" })`. Required to create a DR; " +
					"when unset on an adopted DR, whatever YOUnite holds is kept. YOUnite has no documented update, so a change replaces the DR.",
				Validators:    []validator.String{validate.String("a JSON object", validate.JSONObject)},
				PlanModifiers: []planmodifier.String{sameJSONKeepsState{}, stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()}},
			"delete_adaptor_uuids": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "When set, destroy deletes the DR only at these adaptors (their source entities and links); the DR stays in " +
					"YOUnite. When unset, destroy deletes the DR everywhere.",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(uuidValidator())}},
			"deletion_protection": teardown.DeletionProtection(),
			"domain_type": schema.StringAttribute{Computed: true, MarkdownDescription: "`FEDERATED` or `MDM_DATA_STORE` (older names are read as these); " +
				"null when YOUnite's answer does not say.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"linked_adaptor_uuids": schema.SetAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Adaptors YOUnite held a link for at the last check: as the DR's answer lists them (every read), else " +
					"found with the link check at each adaptor of the zone. Those checks cost a request per adaptor and DR, so they run at " +
					"create and import, and at a refresh only when the state does not know the links yet (a plan of 2,000 DRs in a zone of 5 " +
					"adaptors would otherwise make 10,000 of them); the destroy checks again before it deletes, whatever this holds. Null " +
					"when neither can tell (no zone to list adaptors of).",
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func (r *dataRecordResource) client(m dataRecordModel) (*Client, string, diag.Diagnostics) {
	return connect(r.data, r.typeName, m.ZoneUUID)
}

func drObject(m dataRecordModel) string {
	if m.Domain.ValueString() == "" {
		return "YOUnite DR " + m.ID.ValueString()
	}
	return fmt.Sprintf("YOUnite DR %s (%s)", m.ID.ValueString(), m.Domain.ValueString())
}

func (r *dataRecordResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if _, diags := r.data.Require(providerdata.YOUnite, r.typeName); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if req.Plan.Raw.IsNull() {
		var state dataRecordModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		diags := teardown.Guard(drObject(state), state.DeletionProtection.ValueBool())
		if !diags.HasError() {
			diags.AddWarning("Destroying "+drObject(state), destroyScope(ctx, state))
		}
		resp.Diagnostics.Append(diags...)
		return
	}
	if req.State.Raw.IsNull() {
		var record jsontypes.Normalized
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("json"), &record)...)
		if record.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("json"), "json is required to create a DR",
				"Set json to the record, such as jsonencode({ name = \"Oregon\" }). To manage an existing DR, import it instead.")
		}
	}
}

// destroyScope says what a destroy will delete, for the plan.
func destroyScope(ctx context.Context, m dataRecordModel) string {
	var scoped, linked []string
	m.DeleteAdaptorUUIDs.ElementsAs(ctx, &scoped, false)
	m.LinkedAdaptorUUIDs.ElementsAs(ctx, &linked, false)
	if len(scoped) > 0 {
		return fmt.Sprintf("The destroy deletes the DR's source entities and links only at adaptors %s; the DR stays in YOUnite.", strings.Join(scoped, ", "))
	}
	if len(linked) == 0 {
		return "The destroy deletes the DR from YOUnite; at the last check no adaptor held a link for it (the destroy checks again)."
	}
	return fmt.Sprintf("The destroy deletes the DR from YOUnite and its source entities at every linked adaptor: %s.", strings.Join(linked, ", "))
}

func (r *dataRecordResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m dataRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, 5*time.Minute)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, zone, diags := r.client(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := c.CreateDR(ctx, zone, m.Domain.ValueString(), m.DomainVersion.ValueInt64(), json.RawMessage(m.JSON.ValueString()))
	if d.UUID == "" && transport.MayHaveActed(err) {
		// The answer was lost: YOUnite may have created the DR. Find it by the record's values.
		var found bool
		if d, found, diags = findCreatedDR(ctx, c, zone, m.Domain.ValueString(), m.DomainVersion.ValueInt64(), json.RawMessage(m.JSON.ValueString()), err); !found {
			resp.Diagnostics.Append(diags...)
			return
		}
		resp.Diagnostics.Append(diags...)
		err = nil
		if full, gerr := c.GetDR(ctx, zone, d.UUID); gerr == nil {
			d = full
		}
	}
	if err != nil && d.UUID == "" {
		hint := ""
		if transport.StatusCode(err) == http.StatusConflict {
			hint = conflictHint(ctx, c, zone, m.Domain.ValueString(), m.DomainVersion.ValueInt64(), json.RawMessage(m.JSON.ValueString()))
		}
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Creating a YOUnite DR in domain %q failed", m.Domain.ValueString()), err, hint))
		return
	}
	m.ID, m.ZoneUUID = types.StringValue(d.UUID), types.StringValue(zone)
	if err != nil {
		// Created, but not read back: keep it in state (tainted) so that nothing is orphaned.
		m.DomainType, m.LinkedAdaptorUUIDs = types.StringNull(), types.SetNull(types.StringType)
		if m.DomainVersion.IsUnknown() {
			m.DomainVersion = types.Int64Null()
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, drIdentityOf(m))...)
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("YOUnite created DR %s but reading it back failed", d.UUID), err,
			"The DR stays in state, marked tainted: the next apply deletes and creates it again."))
		return
	}
	resp.Diagnostics.Append(setDR(ctx, c, zone, &m, d, true)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, drIdentityOf(m))...)
}

// setDR copies what YOUnite reports, and only that: a field the answer leaves out keeps its
// configured or prior value (null when there is none). The configured json is kept when it
// means the same. checkLinks asks the link checks when the answer lists no links; without it
// the links keep their prior value.
func setDR(ctx context.Context, c *Client, zone string, m *dataRecordModel, d DR, checkLinks bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if d.DomainName != "" {
		m.Domain = types.StringValue(d.DomainName)
	}
	if d.DomainVersion > 0 {
		m.DomainVersion = types.Int64Value(int64(d.DomainVersion))
	} else if m.DomainVersion.IsUnknown() {
		m.DomainVersion = types.Int64Null()
	}
	switch {
	case d.Federated():
		m.DomainType = types.StringValue("FEDERATED")
	case d.DomainType != "":
		m.DomainType = types.StringValue("MDM_DATA_STORE")
	case m.DomainType.IsUnknown():
		m.DomainType = types.StringNull()
	}
	if d.JSON != "" {
		remote := jsontypes.NewNormalizedValue(d.JSON)
		if equal, _ := m.JSON.StringSemanticEquals(ctx, remote); !equal || m.JSON.IsNull() || m.JSON.IsUnknown() {
			m.JSON = remote
		}
	} else if m.JSON.IsUnknown() {
		m.JSON = jsontypes.NewNormalizedNull()
	}
	if _, reported := d.LinkedAdaptors(); !reported && !checkLinks {
		return diags
	}
	linked, known, err := c.Links(ctx, zone, d)
	switch {
	case err != nil:
		diags.Append(diagnostics.Warning(fmt.Sprintf("Cannot tell which adaptors hold YOUnite DR %s", d.UUID), err,
			"linked_adaptor_uuids keeps its last value; the destroy checks again."))
		if m.LinkedAdaptorUUIDs.IsUnknown() {
			m.LinkedAdaptorUUIDs = types.SetNull(types.StringType)
		}
	case !known:
		m.LinkedAdaptorUUIDs = types.SetNull(types.StringType)
	default:
		slices.Sort(linked)
		var d diag.Diagnostics
		// No link is a known answer (an empty set), not an unknown one: a refresh asks again
		// only for what the state does not know.
		m.LinkedAdaptorUUIDs, d = types.SetValueFrom(ctx, types.StringType, append([]string{}, linked...))
		diags.Append(d...)
	}
	return diags
}

func (r *dataRecordResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m dataRecordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity, once recorded, stays (see drIdentity); else it is recorded before anything
	// else (a read that finds the DR gone removes it from state), and again from what the read
	// finds.
	recorded := recordedIdentity(req.Identity)
	if !recorded {
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, drIdentityOf(m))...)
	}
	c, zone, diags := r.client(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := c.GetDR(ctx, zone, m.ID.ValueString())
	if transport.IsNotFound(err) {
		tflog.Info(ctx, "YOUnite DR deleted outside Terraform; removing it from state", map[string]any{"dr_uuid": m.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading "+drObject(m)+" failed", err, ""))
		return
	}
	if zone != "" {
		m.ZoneUUID = types.StringValue(zone)
	}
	// The link checks only where the state needs them: when it does not know the links yet
	// (an import, or a check that failed before). The destroy checks again in any case.
	needLinks := m.LinkedAdaptorUUIDs.IsNull() || m.LinkedAdaptorUUIDs.IsUnknown()
	resp.Diagnostics.Append(setDR(ctx, c, zone, &m, d, needLinks)...)
	if m.Domain.IsNull() {
		resp.Diagnostics.AddWarning("YOUnite does not name the domain of "+drObject(m),
			"Its answer for this imported DR holds no domain name, so a configuration generated from it (plan -generate-config-out) "+
				"will not plan. Write domain in the configuration (the next apply records it in place), or import the DR as "+
				"<zone_uuid>/<dr_uuid>/<domain>.")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if !recorded {
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, drIdentityOf(m))...)
	}
}

// Update changes only what needs no call: delete_adaptor_uuids and deletion_protection
// matter at destroy, and a domain recorded after an import is the configuration's.
func (r *dataRecordResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state dataRecordModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if plan.DomainType.IsUnknown() {
		plan.DomainType = state.DomainType
	}
	if plan.LinkedAdaptorUUIDs.IsUnknown() {
		plan.LinkedAdaptorUUIDs = state.LinkedAdaptorUUIDs
	}
	if plan.DomainVersion.IsUnknown() {
		plan.DomainVersion = state.DomainVersion
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	// The recorded identity stays (see drIdentity); Terraform before 1.12 records none.
	if !recordedIdentity(req.Identity) {
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, drIdentityOf(plan))...)
	}
}

func (r *dataRecordResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m dataRecordModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	object := drObject(m)
	if diags := teardown.Guard(object, m.DeletionProtection.ValueBool()); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	timeout, diags := m.Timeouts.Delete(ctx, 10*time.Minute)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, zone, diags := r.client(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.ID.ValueString()
	var scoped []string
	resp.Diagnostics.Append(m.DeleteAdaptorUUIDs.ElementsAs(ctx, &scoped, false)...)
	slices.Sort(scoped)
	// The adaptors to verify afterwards: the named ones, or every one linked now.
	verify := scoped
	if len(verify) == 0 {
		d, err := c.GetDR(ctx, zone, id)
		if transport.IsNotFound(err) {
			return // already gone
		}
		if err != nil {
			resp.Diagnostics.Append(diagnostics.Error("Reading "+object+" before its delete failed", err, "Nothing was deleted."))
			return
		}
		// A delete everywhere needs no list of adaptors: a token that may delete DRs but not list
		// adaptors (403, 401) still deletes; only the check of the links afterwards is lost.
		if verify, _, err = c.Links(ctx, zone, d); err != nil {
			resp.Diagnostics.Append(diagnostics.Warning("Cannot tell which adaptors hold "+object+" before its delete", err,
				"The delete goes on everywhere; whether a link survives at an adaptor is not checked afterwards."))
			verify = nil
		}
	}
	err := c.DeleteDR(ctx, zone, id, scoped)
	if transport.IsNotFound(err) {
		return // already gone
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Deleting "+object+" failed", err, refusalAdvice(ctx, c, zone, err)))
		return
	}
	resp.Diagnostics.Append(verifyGone(ctx, c, zone, id, verify, len(scoped) == 0)...)
}

// refusalAdvice says what a refused delete means. YOUnite's ACL refusal is "UNAUTHORIZED",
// most plausibly a 401: for a token that GET /token still accepts it is an ACL refusal, not a
// bad token.
func refusalAdvice(ctx context.Context, c *Client, zone string, err error) string {
	next := "YOUnite refused the delete, so nothing was deleted at any adaptor; the DR stays in state."
	acl := " The token lacks a DELETE ACL entry (or permission) at an adaptor concerned: ask a zone data steward for it, " +
		"or limit the destroy with delete_adaptor_uuids."
	switch transport.StatusCode(err) {
	case 403:
		return next + acl
	case 401:
		if valid, verr := c.TokenValid(ctx, zone); verr == nil && valid {
			return next + " The token is valid (GET /token accepts it), so this UNAUTHORIZED is YOUnite's ACL refusal." + acl
		} else if verr == nil {
			return next + " YOUnite does not accept the token: check younite.token (YOUNITE_TOKEN)."
		}
		return next + acl
	}
	return next
}

// recheckFirst and recheckMost pace the link rechecks after a delete.
const (
	recheckFirst = 250 * time.Millisecond
	recheckMost  = 5 * time.Second
)

// verifyGone waits, within the delete's timeout, until the delete shows: for a full delete the
// DR is gone (GET answers 404), for a scoped one no adaptor concerned holds a link. Adaptors
// delete over the message bus, after YOUnite's answer. What is still there when the time is up
// is a warning; a 404 of the link check is not proof that an adaptor's system lacks the entity.
func verifyGone(ctx context.Context, c *Client, zone, id string, adaptors []string, full bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(adaptors) == 0 && !full {
		return diags
	}
	window := ctx
	if deadline, ok := ctx.Deadline(); ok {
		// Keep a tenth of what is left (at least a second) for the answer itself.
		left := time.Until(deadline)
		var cancel context.CancelFunc
		window, cancel = context.WithTimeout(ctx, left-max(left/10, time.Second))
		defer cancel()
	}
	pending := adaptors // linked, or not yet checked successfully
	failed := map[string]error{}
	drLeft := full
	err := wait.Until(window, recheckFirst, recheckMost, func(ctx context.Context) (bool, error) {
		if full {
			_, err := c.GetDR(ctx, zone, id)
			if transport.IsNotFound(err) {
				drLeft, pending = false, nil
				return true, nil // gone, and its links with it
			}
		}
		var still []string
		for i, a := range pending {
			linked, err := c.CheckLink(ctx, zone, id, a)
			if err != nil && (ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded)) {
				still = append(still, pending[i:]...) // the window closed during the call (or before it could go)
				break
			}
			if err != nil {
				failed[a] = err
			} else {
				delete(failed, a)
			}
			if err != nil || linked {
				still = append(still, a)
			}
		}
		pending = still
		return len(pending) == 0 && !full, nil
	})
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		diags.Append(diagnostics.Warning(fmt.Sprintf("Cannot verify the delete of YOUnite DR %s", id), err, "The delete was accepted; check the adaptors' systems."))
	}
	var surviving []string
	for _, a := range pending {
		if failed[a] == nil {
			surviving = append(surviving, a)
		}
	}
	for a, err := range failed {
		diags.Append(diagnostics.Warning(fmt.Sprintf("Cannot verify the delete of YOUnite DR %s at adaptor %s", id, a), err,
			"The delete was accepted; check the adaptor's system."))
	}
	if len(surviving) > 0 {
		diags.AddWarning(fmt.Sprintf("YOUnite DR %s is still linked at %d adaptors after the delete", id, len(surviving)),
			fmt.Sprintf("YOUnite accepted the delete but still holds a link at: %s, rechecked until the delete timeout. Adaptors delete over "+
				"the message bus and a paused or down adaptor may not have acted yet; check those systems. Terraform no longer manages the DR.",
				strings.Join(surviving, ", ")))
	} else if drLeft {
		diags.AddWarning(fmt.Sprintf("YOUnite DR %s still exists after the delete", id),
			"YOUnite accepted the delete, but the DR was still readable when the delete timeout ran out. Terraform no longer manages it; "+
				"check it in YOUnite, and raise timeouts.delete if deletes take this long here.")
	}
	return diags
}

// ImportState takes the DR from `terraform import` and an import block's id, or from an import
// block's identity.
func (r *dataRecordResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	t, diags := drImportTarget(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := dataRecordModel{ID: types.StringValue(t.dr), ZoneUUID: types.StringNull(), Domain: types.StringNull()}
	if t.domain != "" {
		m.Domain = types.StringValue(t.domain)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("domain"), t.domain)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), t.dr)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	if t.zone != "" {
		m.ZoneUUID = types.StringValue(t.zone)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_uuid"), t.zone)...)
	}
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, drIdentityOf(m))...)
}

// parseImportID reads [<zone_uuid>/]<dr_uuid>[/<domain>]. The domain is for YOUnite's
// documented DR answer, which does not name it: with it, a generated configuration plans clean.
func parseImportID(id string) (zone, dr, domain string, err error) {
	parts := strings.Split(id, "/")
	switch {
	case len(parts) == 1:
		dr = parts[0]
	case len(parts) == 2 && validate.UUID(parts[1]) == nil:
		zone, dr = parts[0], parts[1]
	case len(parts) == 2:
		dr, domain = parts[0], parts[1]
	case len(parts) == 3:
		zone, dr, domain = parts[0], parts[1], parts[2]
	}
	if (drTarget{zone, dr, domain}).problem() != "" || len(parts) > 3 || (len(parts) > 1 && domain == "" && zone == "") {
		return "", "", "", fmt.Errorf("import a YOUnite DR as <dr_uuid>, <zone_uuid>/<dr_uuid>, <dr_uuid>/<domain> or "+
			"<zone_uuid>/<dr_uuid>/<domain> (the domain's name, 3 to 128 characters), not %q", id)
	}
	return zone, dr, domain, nil
}

// sameJSONKeepsState plans the prior value when the configured JSON means the same (other
// spacing or key order), so that neither an update nor a replacement is planned for it.
type sameJSONKeepsState struct{}

func (sameJSONKeepsState) Description(context.Context) string {
	return "JSON that means the same as the prior value keeps the prior value."
}

func (m sameJSONKeepsState) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (sameJSONKeepsState) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	equal, diags := jsontypes.NewNormalizedValue(req.PlanValue.ValueString()).StringSemanticEquals(ctx, jsontypes.NewNormalizedValue(req.StateValue.ValueString()))
	resp.Diagnostics.Append(diags...)
	if equal {
		resp.PlanValue = req.StateValue
	}
}
