// SPDX-License-Identifier: Apache-2.0
// i18n.js: the UI's words in Japanese and English, the language switch, and dates in Japanese
// fiscal years (April to March, JST) as the seeds count them.
const words = {
  ja: {
    skip: '本文へ', signin: 'サインイン', signout: 'サインアウト', login: 'ログインID', password: 'パスワード',
    next: '次へ', code: '確認コード（6桁）', verify: '確認', totp_enrol: '二要素認証の登録',
    totp_enrol_help: '認証アプリ（Google Authenticator 等）でこの QR コードを読み取るか、秘密鍵を入力して、表示された6桁のコードを入力してください。',
    totp_help: '認証アプリに表示されている6桁のコードを入力してください。', secret: '秘密鍵',
    dashboard: 'ダッシュボード', alerts: 'アラート', notifications: '通報', orgs: '組織', people: '職員',
    import: '一括登録', audit: '監査ログ', account: 'アカウント', lang_switch: 'English',
    org: '組織', kind: '種別', code_col: 'コード', name_ja: '名称', name_en: '英語名称', roles: '役割', my_roles: 'あなたの役割',
    permissions: '権限', sub_orgs: '配下の組織', people_count: '職員数', fy_counts: '年度別件数',
    fy_alerts: 'アラート件数', fy_threats: '脅威件数（認知）', fy_notifications: '通報件数', fiscal_year: '年度',
    recent_alerts: '最近のアラート', open_notifications: '未完了の通報', none: 'ありません',
    level: '重要度', status: '状態', title: '件名', member: '府省庁等', first_seen: '初回検知', last_seen: '最終検知',
    count: '件数', rule: 'ルール', tags: 'タグ', why: '検知理由', events: '検知イベント', more: 'さらに表示',
    filter: '絞り込み', search: '検索', all: 'すべて', apply: '適用',
    st_new: '未判定', st_true_positive: '脅威（真陽性）', st_false_positive: '誤検知', st_merged: '統合済み',
    st_sent: '通報済み', st_acknowledged: '受領済み', st_closed: '完了',
    judge_tp: '脅威と判定', judge_fp: '誤検知と判定', judge_new: '未判定に戻す', note: 'メモ',
    merge_into: '統合先のアラート番号', merge: '統合する',
    notify: '通報する', notify_title: '通報の件名', notify_body: '通報の内容', send: '送信',
    recipient: '宛先（CSIRT窓口）', created_by: '通報者', created_at: '通報日時', timeline: '経緯',
    acknowledge: '受領する', comment: 'コメント', close: '完了にする', reopen: '再開する', add_comment: 'コメントを追加',
    ev_sent: '通報', ev_acknowledged: '受領', ev_comment: 'コメント', ev_closed: '完了', ev_reopened: '再開',
    alert_list: '対象アラート', create_child: '下位組織を作成', create: '作成', rename: '名称変更', save: '保存',
    login_col: 'ログインID', name: '氏名', email: 'メール', staff_no: '職員番号',
    p_active: '在職', p_leave: '休職等', p_retired: '退職', add_role: '役割を付与', remove: '削除', at_org: '付与先組織',
    new_person: '職員を登録', import_orgs: '組織のCSV', import_people: '職員のCSV', upload: 'アップロード',
    imported: '取り込みました', rows: '行', created: '新規', updated: '更新',
    at: '日時', actor: '操作者', action: '操作', object: '対象', ip: '接続元', detail: '詳細', verify_chain: 'ハッシュチェーンを検証',
    intact: '改ざんは検出されませんでした', broken: '改ざんを検出', change_password: 'パスワード変更',
    current_password: '現在のパスワード', new_password: '新しいパスワード', changed: '変更しました',
    tokens: 'APIトークン', token_name: '名前', days: '有効日数', make_token: 'トークンを作成',
    token_once: 'このトークンは一度だけ表示されます。今すぐ保管してください。', revoke: '失効',
    expires: '有効期限', last_used: '最終利用', not_found: '見つかりません', loading: '読み込み中…',
    k_centre: 'センター', k_member: '府省庁', k_bureau: '部局', k_division: '課室', k_regional_office: '地方支分部局',
    k_facility: '施設等機関', k_overseas_mission: '在外公館', k_agency: '独立行政法人等', k_company: '企業',
    p_read_people: '職員の閲覧', p_manage_orgs: '組織の管理', p_manage_people: '職員の管理', p_read_alerts: 'アラート・通報の閲覧',
    p_triage: 'アラートの判定', p_notify: '通報', p_acknowledge: '通報の受領', p_read_audit: '監査ログの閲覧',
    p_manage_sensors: 'センサーの管理', yes: 'あり', no: 'なし', error: 'エラー',
  },
  en: {
    skip: 'Skip to content', signin: 'Sign in', signout: 'Sign out', login: 'Login', password: 'Password',
    next: 'Next', code: 'Verification code (6 digits)', verify: 'Verify', totp_enrol: 'Set up two-factor authentication',
    totp_enrol_help: 'Scan this QR code with an authenticator app (or type the secret), then enter the 6-digit code it shows.',
    totp_help: 'Enter the 6-digit code from your authenticator app.', secret: 'Secret',
    dashboard: 'Dashboard', alerts: 'Alerts', notifications: 'Notifications', orgs: 'Organisations', people: 'People',
    import: 'Import', audit: 'Audit log', account: 'Account', lang_switch: '日本語',
    org: 'Organisation', kind: 'Kind', code_col: 'Code', name_ja: 'Name (Japanese)', name_en: 'Name (English)', roles: 'Roles',
    my_roles: 'Your roles', permissions: 'Permissions', sub_orgs: 'Organisations', people_count: 'People',
    fy_counts: 'Counts per fiscal year', fy_alerts: 'Alerts', fy_threats: 'Threats recognised', fy_notifications: 'Notifications',
    fiscal_year: 'Fiscal year', recent_alerts: 'Recent alerts', open_notifications: 'Open notifications', none: 'None',
    level: 'Level', status: 'Status', title: 'Title', member: 'Member', first_seen: 'First seen', last_seen: 'Last seen',
    count: 'Count', rule: 'Rule', tags: 'Tags', why: 'Why it fired', events: 'Events', more: 'More',
    filter: 'Filter', search: 'Search', all: 'All', apply: 'Apply',
    st_new: 'New', st_true_positive: 'Threat (true positive)', st_false_positive: 'False positive', st_merged: 'Merged',
    st_sent: 'Sent', st_acknowledged: 'Acknowledged', st_closed: 'Closed',
    judge_tp: 'Judge: threat', judge_fp: 'Judge: false positive', judge_new: 'Back to new', note: 'Note',
    merge_into: 'Merge into alert number', merge: 'Merge',
    notify: 'Notify the member', notify_title: 'Title', notify_body: 'Message', send: 'Send',
    recipient: 'To (CSIRT point of contact)', created_by: 'From', created_at: 'Sent at', timeline: 'Timeline',
    acknowledge: 'Acknowledge', comment: 'Comment', close: 'Close', reopen: 'Reopen', add_comment: 'Add a comment',
    ev_sent: 'Sent', ev_acknowledged: 'Acknowledged', ev_comment: 'Comment', ev_closed: 'Closed', ev_reopened: 'Reopened',
    alert_list: 'Alerts', create_child: 'Create a sub-organisation', create: 'Create', rename: 'Rename', save: 'Save',
    login_col: 'Login', name: 'Name', email: 'E-mail', staff_no: 'Staff number',
    p_active: 'Active', p_leave: 'On leave', p_retired: 'Retired', add_role: 'Give a role', remove: 'Remove', at_org: 'At',
    new_person: 'Add a person', import_orgs: 'Organisations CSV', import_people: 'People CSV', upload: 'Upload',
    imported: 'Imported', rows: 'rows', created: 'created', updated: 'updated',
    at: 'Time', actor: 'Actor', action: 'Action', object: 'Object', ip: 'From', detail: 'Detail', verify_chain: 'Verify the hash chain',
    intact: 'No tampering found', broken: 'Tampering found', change_password: 'Change password',
    current_password: 'Current password', new_password: 'New password', changed: 'Changed',
    tokens: 'API tokens', token_name: 'Name', days: 'Valid for (days)', make_token: 'Make a token',
    token_once: 'This token is shown once: store it now.', revoke: 'Revoke',
    expires: 'Expires', last_used: 'Last used', not_found: 'Not found', loading: 'Loading…',
    k_centre: 'Centre', k_member: 'Ministry', k_bureau: 'Bureau', k_division: 'Division', k_regional_office: 'Regional office',
    k_facility: 'Facility', k_overseas_mission: 'Overseas mission', k_agency: 'Agency', k_company: 'Company',
    p_read_people: 'Read people', p_manage_orgs: 'Manage organisations', p_manage_people: 'Manage people',
    p_read_alerts: 'Read alerts and notifications', p_triage: 'Judge alerts', p_notify: 'Notify',
    p_acknowledge: 'Acknowledge notifications', p_read_audit: 'Read the audit log', p_manage_sensors: 'Manage sensors',
    yes: 'yes', no: 'no', error: 'Error',
  },
};

let lang = localStorage.getItem('mamori.lang') || ((navigator.language || 'ja').startsWith('ja') ? 'ja' : 'en');
let roleNames = {};

export function t(key) {
  return (words[lang] && words[lang][key]) || words.en[key] || key;
}
export function getLang() { return lang; }
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'ja';
  localStorage.setItem('mamori.lang', lang);
  document.documentElement.lang = lang;
}
export function setRoleNames(roles) {
  roleNames = {};
  for (const r of roles) roleNames[r.code] = r;
}
export function roleName(code) {
  const r = roleNames[code];
  return r ? (lang === 'ja' ? r.ja : r.en) : code;
}
export function orgName(o) {
  if (!o) return '';
  return lang === 'en' && o.name_en ? o.name_en : o.name_ja;
}

// Japanese fiscal year of a Unix time, in JST: 2026-03-31 is FY2025, 2026-04-01 FY2026
export function fiscalYear(unix) {
  const d = new Date((unix + 9 * 3600) * 1000);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
  return m >= 4 ? y : y - 1;
}
export function fyLabel(fy) {
  return lang === 'ja' ? `${fy}年度` : `FY${fy}`;
}
// date and time in JST, as the seeds and their readers use
export function when(unix) {
  if (!unix) return '';
  const d = new Date((unix + 9 * 3600) * 1000);
  const p = n => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
