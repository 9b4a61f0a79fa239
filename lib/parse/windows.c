/* SPDX-License-Identifier: Apache-2.0 */
/* windows.c: Windows event log records as JSON, one object per line, flattened to the field names
 * Sigma's Windows rules use: the evtx-to-JSON shape ({"Event":{"System":..,"EventData":..}} with
 * "#attributes", as in SigmaHQ's regression data), Winlogbeat/ECS ({"winlog":{..}}) and NXLog's
 * flat im_msvistalog records ({"EventID":..,"Channel":..,..}). */
#include "base/prelude.h"
#include "base/str.h"
#include "base/mtime.h"
#include "event/json.h"
#include "parser.h"
#include "json_util.h"

/* A Security or Sysmon record has a few dozen fields (two tokens each) plus the System block;
 * 4096 tokens leave room for verbose records (4104 script blocks are one long string). Records
 * that need more are not claimed. */
#define WINDOWS_MAX_TOKENS  4096
#define WINDOWS_MAX_NESTING 3 /* UserData/<Element>/<field> */

struct winev {
    struct json_doc json;
    struct slice channel;
    struct slice event_id;
    struct slice event_type; /* Sysmon 12: CreateKey, DeleteKey, DeleteValue */
};

static bool windows_probe(const char *msg, size_t len)
{
    if (len < 2 || msg[0] != '{')
        return false;
    return (mm_memmem(msg, len, "\"System\"") && mm_memmem(msg, len, "\"Event\"")) ||
           mm_memmem(msg, len, "\"winlog\"") ||
           (mm_memmem(msg, len, "\"EventID\"") && mm_memmem(msg, len, "\"Channel\""));
}

/* the value of an XML attribute converted to JSON: obj["#attributes"][name], obj["@name"] */
static uint32_t attr_get(const struct winev *e, uint32_t obj, const char *name)
{
    uint32_t v = json_doc_get(&e->json, json_doc_get(&e->json, obj, "#attributes"), name);
    if (v || !obj || e->json.t[obj].type != JSON_OBJECT)
        return v;
    char at[32];
    size_t n = strlen(name);
    if (n + 2 > sizeof at)
        return 0;
    at[0] = '@';
    memcpy(at + 1, name, n + 1);
    return json_doc_get(&e->json, obj, at);
}

/* an element that may carry attributes: {"#text": v, "#attributes": {..}} or v itself */
static uint32_t text_of(const struct winev *e, uint32_t v)
{
    return v && e->json.t[v].type == JSON_OBJECT ? json_doc_get(&e->json, v, "#text") : v;
}

static struct slice scalar_text(const struct winev *e, uint32_t v)
{
    if (!v)
        return slice_make(NULL, 0);
    const struct json_token *t = &e->json.t[v];
    if (t->type == JSON_STRING)
        return json_doc_string(&e->json, v);
    if (t->type == JSON_NUMBER || t->type == JSON_TRUE || t->type == JSON_FALSE)
        return slice_make(e->json.text + t->start, t->end - t->start);
    return slice_make(NULL, 0);
}

/* Add a scalar value under a static name; null, empty strings and containers are skipped. */
static void add_value(const struct winev *e, const char *name, uint32_t v)
{
    v = text_of(e, v);
    struct slice s = scalar_text(e, v);
    if (!s.len)
        return;
    if (e->json.t[v].type == JSON_NUMBER)
        event_add_num(e->json.ev, name, s.p, s.len);
    else
        event_add_slice(e->json.ev, name, s);
}

/* Add a System value that is a number, whether the exporter wrote it as one or as a string. */
static void add_number(const struct winev *e, const char *name, uint32_t v)
{
    struct slice s = scalar_text(e, text_of(e, v));
    if (s.len)
        event_add_num(e->json.ev, name, s.p, s.len);
}

/* Sigma's field names are the event data names with their spaces removed ("Threat Name" is
 * ThreatName: the specification's rule for fields, and how Sigma's Windows rules name them). */
static struct slice sigma_name(const struct winev *e, struct slice name)
{
    if (!memchr(name.p, ' ', name.len))
        return name;
    char *out = arena_alloc(&e->json.ev->arena, name.len);
    if (!out)
        return name;
    size_t n = 0;
    for (size_t i = 0; i < name.len; i++)
        if (name.p[i] != ' ')
            out[n++] = name.p[i];
    return (struct slice){ out, n };
}

/* Add a scalar value under a name taken from the input. */
static void add_dynamic(const struct winev *e, struct slice name, uint32_t v)
{
    struct slice s = scalar_text(e, v);
    name = sigma_name(e, name);
    if (!name.len || !s.len)
        return;
    enum field_type type = e->json.t[v].type == JSON_NUMBER ? FIELD_INT : FIELD_STR;
    event_add_dynamic(e->json.ev, name.p, name.len, s.p, s.len, type, false);
}

/* Unnamed <Data> items (Windows PowerShell 400/600/800 write three) arrive as a list of strings:
 * joined with newlines under the element's name, as one value rules can search. */
static void add_unnamed(struct winev *e, struct slice name, uint32_t arr)
{
    size_t total = 0, n = 0;
    uint32_t k = arr + 1;
    for (uint32_t c = 0; c < e->json.t[arr].children; c++, k = e->json.t[k].next)
        if (e->json.t[k].type == JSON_STRING) {
            total += e->json.t[k].end - e->json.t[k].start + 1;
            n++;
        }
    name = sigma_name(e, name);
    if (!n || !name.len)
        return;
    char *out = arena_alloc(&e->json.ev->arena, total);
    if (!out)
        return;
    size_t o = 0, done = 0;
    k = arr + 1;
    for (uint32_t c = 0; c < e->json.t[arr].children; c++, k = e->json.t[k].next) {
        if (e->json.t[k].type != JSON_STRING)
            continue;
        struct slice v = json_doc_string(&e->json, k);
        if (done++)
            out[o++] = '\n';
        memcpy(out + o, v.p, v.len);
        o += v.len;
    }
    event_add_dynamic(e->json.ev, name.p, name.len, out, o, FIELD_STR, false);
}

/* The event data: every member under its own name; "Data" lists of {"@Name":..,"#text":..}
 * items (the XML form); nested elements (UserData) flattened; attributes skipped. */
static void add_data(struct winev *e, uint32_t obj, int depth)
{
    if (!obj || depth > WINDOWS_MAX_NESTING)
        return;
    if (e->json.t[obj].type == JSON_ARRAY) {
        uint32_t k = obj + 1;
        for (uint32_t c = 0; c < e->json.t[obj].children; c++, k = e->json.t[k].next)
            add_data(e, k, depth + 1);
        return;
    }
    if (e->json.t[obj].type != JSON_OBJECT)
        return;
    /* a named Data item has its name as an attribute and nothing but its text besides; an element
     * with a Name attribute and child elements (Task Scheduler's EventData) is not one */
    uint32_t name = attr_get(e, obj, "Name");
    uint32_t text = json_doc_get(&e->json, obj, "#text");
    if (name && e->json.t[name].type == JSON_STRING && (text || e->json.t[obj].children == 1)) {
        struct slice n = json_doc_string(&e->json, name);
        add_dynamic(e, n, text);
        if (slice_eq(n, "EventType") && text && e->json.t[text].type == JSON_STRING)
            e->event_type = json_doc_string(&e->json, text);
        return;
    }
    uint32_t k = obj + 1;
    for (uint32_t c = 0; c < e->json.t[obj].children; c++, k = e->json.t[k + 1].next) {
        const struct json_token *key = &e->json.t[k];
        uint32_t v = k + 1;
        if (key->end > key->start &&
            (e->json.text[key->start] == '#' || e->json.text[key->start] == '@'))
            continue;
        if (e->json.t[v].type == JSON_ARRAY) {
            add_unnamed(e, json_doc_string(&e->json, k), v);
            add_data(e, v, depth + 1);
            continue;
        }
        if (e->json.t[v].type == JSON_OBJECT) {
            add_data(e, v, depth + 1);
            continue;
        }
        struct slice n = json_doc_string(&e->json, k);
        add_dynamic(e, n, v);
        if (slice_eq(n, "EventType") && e->json.t[v].type == JSON_STRING)
            e->event_type = json_doc_string(&e->json, v);
    }
}

static void set_time(struct winev *e, uint32_t v, const struct parse_context *ctx)
{
    v = text_of(e, v);
    if (!v || e->json.t[v].type != JSON_STRING)
        return;
    int64_t ns;
    size_t used;
    bool zone;
    struct slice s = json_doc_string(&e->json, v);
    if (parse_iso_time(s.p, s.len, &ctx->tz, &ns, &used, &zone) == MM_OK) {
        e->json.ev->time_ns = ns;
        e->json.ev->time_has_zone = zone;
        e->json.ev->time_has_year = true;
    }
}

static void note_id_channel(struct winev *e, uint32_t id, uint32_t channel)
{
    id = text_of(e, id);
    e->event_id = scalar_text(e, id);
    if (channel && e->json.t[channel].type == JSON_STRING)
        e->channel = json_doc_string(&e->json, channel);
}

/* {"Event":{"System":{..},"EventData":{..}|"UserData":{..}}} */
static enum mm_status parse_evtx(struct winev *e, uint32_t event, const struct parse_context *ctx)
{
    uint32_t sys = json_doc_get(&e->json, event, "System");
    if (!sys)
        return MM_NO_MATCH;
    uint32_t id = json_doc_get(&e->json, sys, "EventID"),
             channel = json_doc_get(&e->json, sys, "Channel");
    note_id_channel(e, id, channel);
    add_number(e, "EventID", id);
    add_value(e, "Channel", channel);
    add_value(e, "Computer", json_doc_get(&e->json, sys, "Computer"));
    uint32_t provider = json_doc_get(&e->json, sys, "Provider");
    add_value(e, "Provider_Name", attr_get(e, provider, "Name"));
    add_value(e, "Provider_Guid", attr_get(e, provider, "Guid"));
    add_number(e, "Version", json_doc_get(&e->json, sys, "Version"));
    add_number(e, "Level", json_doc_get(&e->json, sys, "Level"));
    add_number(e, "Task", json_doc_get(&e->json, sys, "Task"));
    add_number(e, "Opcode", json_doc_get(&e->json, sys, "Opcode"));
    add_value(e, "Keywords", json_doc_get(&e->json, sys, "Keywords"));
    add_number(e, "EventRecordID", json_doc_get(&e->json, sys, "EventRecordID"));
    uint32_t exec = json_doc_get(&e->json, sys, "Execution");
    add_number(e, "ProcessID", attr_get(e, exec, "ProcessID"));
    add_number(e, "ThreadID", attr_get(e, exec, "ThreadID"));
    add_value(e, "SecurityUserID", attr_get(e, json_doc_get(&e->json, sys, "Security"), "UserID"));
    set_time(e, attr_get(e, json_doc_get(&e->json, sys, "TimeCreated"), "SystemTime"), ctx);
    add_data(e, json_doc_get(&e->json, event, "EventData"), 0);
    add_data(e, json_doc_get(&e->json, event, "UserData"), 0);
    return MM_OK;
}

/* Winlogbeat: {"@timestamp":..,"winlog":{"channel":..,"event_id":..,"event_data":{..}},..} */
static enum mm_status parse_winlogbeat(struct winev *e, uint32_t w, const struct parse_context *ctx)
{
    uint32_t id = json_doc_get(&e->json, w, "event_id"),
             channel = json_doc_get(&e->json, w, "channel");
    if (!id || !channel)
        return MM_NO_MATCH;
    note_id_channel(e, id, channel);
    add_number(e, "EventID", id);
    add_value(e, "Channel", channel);
    add_value(e, "Computer", json_doc_get(&e->json, w, "computer_name"));
    add_value(e, "Provider_Name", json_doc_get(&e->json, w, "provider_name"));
    add_value(e, "Provider_Guid", json_doc_get(&e->json, w, "provider_guid"));
    add_number(e, "Version", json_doc_get(&e->json, w, "version"));
    add_number(e, "Task", json_doc_get(&e->json, w, "task"));
    add_number(e, "Opcode", json_doc_get(&e->json, w, "opcode"));
    add_number(e, "EventRecordID", json_doc_get(&e->json, w, "record_id"));
    uint32_t proc = json_doc_get(&e->json, w, "process");
    add_number(e, "ProcessID", json_doc_get(&e->json, proc, "pid"));
    add_number(e, "ThreadID", json_doc_get(&e->json, json_doc_get(&e->json, proc, "thread"), "id"));
    add_value(e, "SecurityUserID",
              json_doc_get(&e->json, json_doc_get(&e->json, w, "user"), "identifier"));
    set_time(e, json_doc_root_get(&e->json, "@timestamp"), ctx);
    add_data(e, json_doc_get(&e->json, w, "event_data"), 0);
    add_data(e, json_doc_get(&e->json, w, "user_data"), 0);
    return MM_OK;
}

/* NXLog im_msvistalog as JSON: every member at the top level */
static enum mm_status parse_nxlog(struct winev *e, const struct parse_context *ctx)
{
    static const struct {
        const char *from, *to;
    } renamed[] = {
        { "Hostname", "Computer" },          { "SourceName", "Provider_Name" },
        { "ProviderGuid", "Provider_Guid" }, { "RecordNumber", "EventRecordID" },
        { "UserID", "SecurityUserID" },
    };
    uint32_t id = json_doc_root_get(&e->json, "EventID"),
             channel = json_doc_root_get(&e->json, "Channel");
    if (!id || !channel)
        return MM_NO_MATCH;
    note_id_channel(e, id, channel);
    add_number(e, "EventID", id);
    add_value(e, "Channel", channel);
    for (size_t i = 0; i < MM_ARRAY_LEN(renamed); i++)
        add_value(e, renamed[i].to, json_doc_root_get(&e->json, renamed[i].from));
    set_time(e, json_doc_root_get(&e->json, "EventTime"), ctx);
    uint32_t k = 1;
    for (uint32_t c = 0; c < e->json.t[0].children; c++, k = e->json.t[k + 1].next) {
        const struct json_token *key = &e->json.t[k];
        bool skip = json_token_eq(e->json.text, key, "EventID") ||
                    json_token_eq(e->json.text, key, "Channel") ||
                    json_token_eq(e->json.text, key, "EventTime");
        for (size_t i = 0; i < MM_ARRAY_LEN(renamed) && !skip; i++)
            skip = json_token_eq(e->json.text, key, renamed[i].from);
        if (skip)
            continue;
        struct slice n = json_doc_string(&e->json, k);
        add_dynamic(e, n, k + 1);
        if (slice_eq(n, "EventType") && e->json.t[k + 1].type == JSON_STRING)
            e->event_type = json_doc_string(&e->json, k + 1);
    }
    return MM_OK;
}

/* Channel -> Sigma service, from the taxonomy's Windows service table. */
static const struct {
    const char *channel, *service;
} windows_services[] = {
    { "Application", "application" },
    { "DNS Server", "dns-server" },
    { "MSExchange Management", "msexchange-management" },
    { "Microsoft-IIS-Configuration/Operational", "iis-configuration" },
    { "Microsoft-ServiceBus-Client/Admin", "servicebus-client" },
    { "Microsoft-ServiceBus-Client/Operational", "servicebus-client" },
    { "Microsoft-Windows-AppLocker/EXE and DLL", "applocker" },
    { "Microsoft-Windows-AppLocker/MSI and Script", "applocker" },
    { "Microsoft-Windows-AppLocker/Packaged app-Deployment", "applocker" },
    { "Microsoft-Windows-AppLocker/Packaged app-Execution", "applocker" },
    { "Microsoft-Windows-AppModel-Runtime/Admin", "appmodel-runtime" },
    { "Microsoft-Windows-AppXDeploymentServer/Operational", "appxdeployment-server" },
    { "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant",
      "application-experience" },
    { "Microsoft-Windows-Application-Experience/Program-Telemetry", "application-experience" },
    { "Microsoft-Windows-AppxPackaging/Operational", "appxpackaging-om" },
    { "Microsoft-Windows-BitLocker/BitLocker Management", "bitlocker" },
    { "Microsoft-Windows-Bits-Client/Operational", "bits-client" },
    { "Microsoft-Windows-CAPI2/Operational", "capi2" },
    { "Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational",
      "certificateservicesclient-lifecycle-system" },
    { "Microsoft-Windows-CodeIntegrity/Operational", "codeintegrity-operational" },
    { "Microsoft-Windows-DHCP-Server/Operational", "dhcp" },
    { "Microsoft-Windows-DNS Client Events/Operational", "dns-client" },
    { "Microsoft-Windows-DNS-Server/Analytical", "dns-server-analytic" },
    { "Microsoft-Windows-DNS-Server/Audit", "dns-server-audit" },
    { "Microsoft-Windows-Diagnosis-Scripted/Operational", "diagnosis-scripted" },
    { "Microsoft-Windows-DriverFrameworks-UserMode/Operational", "driver-framework" },
    { "Microsoft-Windows-Hyper-V-Worker", "hyper-v-worker" },
    { "Microsoft-Windows-Kernel-EventTracing", "kernel-event-tracing" },
    { "Microsoft-Windows-Kernel-ShimEngine/Diagnostic", "kernel-shimengine" },
    { "Microsoft-Windows-Kernel-ShimEngine/Operational", "kernel-shimengine" },
    { "Microsoft-Windows-LDAP-Client/Debug", "ldap" },
    { "Microsoft-Windows-LSA/Operational", "lsa-server" },
    { "Microsoft-Windows-NTLM/Operational", "ntlm" },
    { "Microsoft-Windows-Ntfs/Operational", "ntfs" },
    { "Microsoft-Windows-PowerShell/Operational", "powershell" },
    { "Microsoft-Windows-PrintService/Admin", "printservice-admin" },
    { "Microsoft-Windows-PrintService/Operational", "printservice-operational" },
    { "Microsoft-Windows-SENSE/Operational", "sense" },
    { "Microsoft-Windows-Security-Mitigations/Kernel Mode", "security-mitigations" },
    { "Microsoft-Windows-Security-Mitigations/User Mode", "security-mitigations" },
    { "Microsoft-Windows-Shell-Core/Operational", "shell-core" },
    { "Microsoft-Windows-SmbClient/Security", "smbclient-security" },
    { "Microsoft-Windows-Sysmon/Operational", "sysmon" },
    { "Microsoft-Windows-TaskScheduler/Operational", "taskscheduler" },
    { "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
      "terminalservices-localsessionmanager" },
    { "Microsoft-Windows-VHDMP/Operational", "vhdmp" },
    { "Microsoft-Windows-WMI-Activity/Operational", "wmi" },
    { "Microsoft-Windows-Windows Defender/Operational", "windefend" },
    { "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "firewall-as" },
    { "OpenSSH/Operational", "openssh" },
    { "Security", "security" },
    { "System", "system" },
    { "Windows PowerShell", "powershell-classic" },
};

static const char *service_for(struct slice channel)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(windows_services); i++)
        if (slice_eq(channel, windows_services[i].channel))
            return windows_services[i].service;
    return NULL;
}

/* Sysmon event ID -> category, from the taxonomy's Windows category table. */
static const char *const sysmon_categories[] = {
    [1] = "process_creation",
    [2] = "file_change",
    [3] = "network_connection",
    [4] = "sysmon_status",
    [5] = "process_termination",
    [6] = "driver_load",
    [7] = "image_load",
    [8] = "create_remote_thread",
    [9] = "raw_access_thread",
    [10] = "process_access",
    [11] = "file_event",
    [12] = "registry_add",
    [13] = "registry_set",
    [14] = "registry_rename",
    [15] = "create_stream_hash",
    [16] = "sysmon_status",
    [17] = "pipe_created",
    [18] = "pipe_created",
    [19] = "wmi_event",
    [20] = "wmi_event",
    [21] = "wmi_event",
    [22] = "dns_query",
    [23] = "file_delete",
    [24] = "clipboard_capture",
    [25] = "process_tampering",
    [26] = "file_delete_detected",
    [27] = "file_block_executable",
    [28] = "file_block_shredding",
    [29] = "file_executable_detected",
};

static const char *category_for(const struct winev *e)
{
    uint64_t id;
    if (mm_parse_u64(e->event_id.p, e->event_id.len, 65535, &id) != MM_OK)
        return NULL;
    if (slice_eq(e->channel, "Microsoft-Windows-Sysmon/Operational")) {
        if (id == 12 && slice_starts(e->event_type, "Delete")) /* DeleteKey, DeleteValue */
            return "registry_delete";
        if (id == 255)
            return "sysmon_error";
        return id < MM_ARRAY_LEN(sysmon_categories) ? sysmon_categories[id] : NULL;
    }
    if (slice_eq(e->channel, "Windows PowerShell"))
        return id == 400   ? "ps_classic_start"
               : id == 600 ? "ps_classic_provider_start"
               : id == 800 ? "ps_classic_script"
                           : NULL;
    if (slice_eq(e->channel, "Microsoft-Windows-PowerShell/Operational") ||
        slice_eq(e->channel, "PowerShellCore/Operational"))
        return id == 4103 ? "ps_module" : id == 4104 ? "ps_script" : NULL;
    return NULL;
}

static enum mm_status windows_parse(struct event *ev, const struct parse_context *ctx)
{
    static _Thread_local struct json_token toks[WINDOWS_MAX_TOKENS];
    if (ev->message.len < 2 || ev->message.p[0] != '{')
        return MM_NO_MATCH;
    int n = json_parse(ev->message.p, ev->message.len, toks, WINDOWS_MAX_TOKENS, NULL);
    if (n <= 0 || toks[0].type != JSON_OBJECT)
        return MM_NO_MATCH;
    struct winev e = { .json = { .ev = ev, .text = ev->message.p, .t = toks } };
    enum mm_status st;
    uint32_t v;
    if ((v = json_doc_root_get(&e.json, "Event")) && e.json.t[v].type == JSON_OBJECT)
        st = parse_evtx(&e, v, ctx);
    else if ((v = json_doc_root_get(&e.json, "winlog")) && e.json.t[v].type == JSON_OBJECT)
        st = parse_winlogbeat(&e, v, ctx);
    else
        st = parse_nxlog(&e, ctx);
    if (st != MM_OK || !e.event_id.len)
        return MM_NO_MATCH;
    event_set_logsource(ev, "windows", category_for(&e), service_for(e.channel));
    return MM_OK;
}

const struct parser parser_windows = {
    .name = "windows",
    .summary = "Windows event log JSON: evtx-style Event/System/EventData, Winlogbeat, NXLog",
    .probe = windows_probe,
    .parse = windows_parse,
    .probe_priority = 100,
};
