# Labels of sections 6-10 (improvements, followup, voices, competitors, data_health):
# key -> (zh, en). Values are str.format templates.
SECTION_LABELS_6_10: dict[str, tuple[str, str]] = {
    "common.no_data": ("暂无数据", "No data yet"),
    "common.low_sample": ("（样本少）", " (low sample)"),
    # Sources
    "source.all": ("全部渠道", "all channels"),
    "source.survey": ("问卷", "surveys"),
    "source.app_review": ("应用商店评论", "app reviews"),
    "source.ecommerce_review": ("电商评论", "marketplace reviews"),
    "source.social": ("社交媒体", "social media"),
    "source.support_ticket": ("客服工单", "support tickets"),
    "source.store_card": ("门店意见卡", "store comment cards"),
    "source.crm_customer": ("CRM 客户", "CRM customers"),
    "source.order": ("订单", "orders"),
    "source.improvement_action": ("改进措施", "improvement actions"),
    # Topics
    "topic.product_quality": ("产品质量", "product quality"),
    "topic.service_attitude": ("服务态度", "service attitude"),
    "topic.logistics": ("物流配送", "logistics"),
    "topic.process": ("流程与售后", "process"),
    "topic.price": ("价格", "price"),
    "topic.app_experience": ("App 体验", "app experience"),
    "topic.store_environment": ("门店环境", "store environment"),
    "topic.other": ("其他", "other"),
    # 6 improvements
    "improvements.title": ("改进措施的效果", "Did our improvements work?"),
    "improvements.empty": ("暂无改进措施数据", "No improvement actions measured yet"),
    "improvements.scope_store": ("{scope}（门店 {store}）", "{scope} (store {store})"),
    "improvements.before": ("上线前 28 天", "28 days before"),
    "improvements.after": ("上线后 28 天", "28 days after"),
    "improvements.hover_window": (
        "{period}：负面占比 {value}（{n} 次提及）{low_sample}",
        "{period}: negative share {value} ({n} mentions){low_sample}",
    ),
    "improvements.significant": ("显著（q < 0.05）", "significant (q < 0.05)"),
    "improvements.axis_negative_share": ("该主题的负面占比", "negative share of the topic"),
    "improvements.did": ("双重差分", "difference in differences"),
    "improvements.did_title": (
        "扣除对照组变化后的净效果（双重差分，95% 区间）",
        "Own effect net of the control group (difference in differences, 95% interval)",
    ),
    "improvements.axis_did": ("负面占比的净变化（百分点）", "net change of negative share (pp)"),
    "improvements.hover_did": (
        "净效果 {did} 个百分点 [{low}, {high}]，q = {q}，{verdict}",
        "own effect {did} pp [{low}, {high}], q = {q}, {verdict}",
    ),
    "improvements.verdict.worked": ("见效", "worked"),
    "improvements.verdict.worse": ("变差", "worse"),
    "improvements.verdict.no_effect": ("无显著变化", "no effect"),
    "improvements.verdict.caveat": ("需谨慎解读", "read with care"),
    "improvements.verdict.insufficient_data": ("数据不足", "insufficient data"),
    "improvements.verdict.not_applicable": ("不适用", "not applicable"),
    "improvements.reading_worked": (
        "{actions} 项改进中 {worked} 项确认见效；"
        "效果最大的是“{best}”：负面占比 {before} → {after}。",
        "{worked} of {actions} improvements worked; the largest effect: “{best}”, "
        "negative share {before} → {after}.",
    ),
    "improvements.reading_none": (
        "{actions} 项改进中尚无确认见效的（{significant} 项变化显著但需谨慎解读）。",
        "None of {actions} improvements has a confirmed effect yet "
        "({significant} significant but to be read with care).",
    ),
    "improvements.caveat_note": (
        "{n} 项结果带有提示（无对照组、前趋势不平行或有重叠措施），请谨慎解读。",
        "{n} results carry a caveat (no control group, non-parallel pre-trends or an "
        "overlapping action): read them with care.",
    ),
    "improvements.col.action": ("措施", "Action"),
    "improvements.col.topic": ("主题", "Topic"),
    "improvements.col.scope": ("范围", "Scope"),
    "improvements.col.launch": ("上线日", "Launched"),
    "improvements.col.before": ("上线前", "Before"),
    "improvements.col.after": ("上线后", "After"),
    "improvements.col.delta": ("变化", "Change"),
    "improvements.col.did": ("双重差分 [95% 区间]", "DiD [95% interval]"),
    "improvements.col.q": ("q 值", "q-value"),
    "improvements.col.verdict": ("结论", "Verdict"),
    # 7 follow-up
    "followup.title": ("跟进闭环与告警", "Follow-up and alerts"),
    "followup.empty": ("暂无需要跟进的反馈", "No feedback to follow up yet"),
    "followup.store_teams": ("各门店（合计）", "stores (all)"),
    "followup.team.品控": ("品控", "Quality control"),
    "followup.team.物流": ("物流", "Logistics"),
    "followup.team.客服": ("客服", "Customer service"),
    "followup.team.售后": ("售后", "After-sales"),
    "followup.team.商品运营": ("商品运营", "Merchandising"),
    "followup.team.App产品": ("App 产品", "App product"),
    "followup.team.门店运营": ("门店运营", "Store operations"),
    "followup.team.客户体验": ("客户体验", "Customer experience"),
    "followup.sla_title": (
        "近 {days} 天按时响应率（团队 × 优先级；* 为样本少于 30）",
        "On-time response, last {days} days (team x priority; * fewer than 30 items)",
    ),
    "followup.axis_sla": ("按时响应率", "on time"),
    "followup.axis_priority": ("优先级", "Priority"),
    "followup.hover_sla": (
        "按时响应 {share}（{in_sla} / {measured} 条）",
        "on time {share} ({in_sla} of {measured} items)",
    ),
    "followup.hover_sla_none": ("无已到期的条目", "no item due yet"),
    "followup.backlog_title": (
        "当前逾期积压（团队 × 优先级）",
        "Overdue backlog now (team x priority)",
    ),
    "followup.axis_backlog": ("逾期未响应条目", "overdue items without a response"),
    "followup.hover_backlog": ("{priority}：逾期 {n} 条", "{priority}: {n} overdue"),
    "followup.alerts_title": (
        "今日告警：负面提及与控制上限",
        "Today's alerts: negative mentions vs control limit",
    ),
    "followup.alert_negatives": ("今日负面提及", "negative mentions today"),
    "followup.alert_limit": ("控制上限", "control limit"),
    "followup.axis_alert": ("条数", "items"),
    "followup.hover_alert_negatives": (
        "负面 {negatives} / 提及 {mentions}",
        "{negatives} negative of {mentions} mentions",
    ),
    "followup.hover_alert_limit": ("控制上限 {limit} 条", "control limit {limit}"),
    "followup.alert_evidence": (
        "负面 {negatives} 条 / 提及 {mentions} 条（{share}），基线负面占比 {baseline}，"
        "控制上限 {limit} 条",
        "{negatives} negative of {mentions} mentions ({share}); baseline negative share "
        "{baseline}, control limit {limit}",
    ),
    "followup.severity.critical": ("严重", "critical"),
    "followup.severity.warning": ("警告", "warning"),
    "followup.scope.platform": ("平台 {value}", "platform {value}"),
    "followup.scope.store": ("门店 {value}", "store {value}"),
    "followup.scope.region": ("地区 {value}", "region {value}"),
    "followup.scope_with_topic": ("{where}·{topic}", "{where} · {topic}"),
    "followup.no_alerts_today": ("今天没有告警。", "No alerts today."),
    "followup.latest_alerts": (
        "最近一次告警在 {day}（{n} 条），证据如下。",
        "The latest alerts came on {day} ({n}); their evidence below.",
    ),
    "followup.latest_alerts_title": (
        "最近的告警（{day}）：负面提及与控制上限",
        "Latest alerts ({day}): negative mentions vs control limit",
    ),
    "followup.reading": (
        "近 {days} 天按时响应率 {share}（{measured} 条）；最低：{team} {priority} {worst}；"
        "逾期积压 {overdue} 条；今日告警 {alerts} 条。",
        "On-time response over the last {days} days: {share} ({measured} items); lowest: "
        "{team} {priority} {worst}; {overdue} overdue; {alerts} alerts today.",
    ),
    "followup.reading_no_sla": (
        "暂无到期条目；逾期积压 {overdue} 条；今日告警 {alerts} 条。",
        "No item due yet; {overdue} overdue; {alerts} alerts today.",
    ),
    # 8 voices
    "voices.title": ("客户在说什么", "What customers say"),
    "voices.empty": ("近期暂无带关键词的反馈", "No feedback with keywords in the period yet"),
    "voices.axis_negative": ("负面占比", "negative"),
    "voices.hover_keyword": (
        "{keyword}（{topic}）：{items} 条反馈，负面 {share}",
        "{keyword} ({topic}): {items} items, {share} negative",
    ),
    "voices.quotes_heading": (
        "{topic}：负面 {negative} 条（{share}）",
        "{topic}: {negative} negative items ({share})",
    ),
    "voices.reading": (
        "近 {days} 天讨论最多的是{topic}，最常见的词是“{keyword}”（{items} 条）。",
        "Over the last {days} days customers talked most about {topic}; the most frequent "
        "word is “{keyword}” ({items} items).",
    ),
    "voices.reading_negative": (
        "负面反馈最多的主题：{topic}（{negative} 条）。",
        " Most negative items: {topic} ({negative}).",
    ),
    # 9 competitors
    "competitors.title": ("竞品对比", "Competitors"),
    "competitors.empty": ("暂无品牌提及数据", "No brand mentions yet"),
    "competitors.brand.禾光": ("禾光", "Heguang"),
    "competitors.brand.长青": ("长青", "Changqing"),
    "competitors.brand.小麦": ("小麦", "Xiaomai"),
    "competitors.sov_title": ("每周声量份额", "Share of voice by week"),
    "competitors.axis_sov": ("声量份额", "share of voice"),
    "competitors.axis_week": ("周（周一开始）", "week (starting Monday)"),
    "competitors.hover_share": (
        "{brand}，{week} 当周：声量份额 {share}（{mentions} 条）",
        "{brand}, week of {week}: share of voice {share} ({mentions} mentions)",
    ),
    "competitors.negative_title": (
        "近 {weeks} 周负面占比（95% 区间；* 为样本少于 30）",
        "Negative share, last {weeks} weeks (95% interval; * fewer than 30 mentions)",
    ),
    "competitors.axis_negative": ("负面占比", "negative share"),
    "competitors.hover_negative": (
        "{brand}：负面 {share}（{negative} / {mentions}），95% 区间 {interval}",
        "{brand}: {share} negative ({negative} of {mentions}), 95% interval {interval}",
    ),
    "competitors.topic_title": (
        "各主题负面占比（近 4 周）",
        "Negative share by topic (last 4 weeks)",
    ),
    "competitors.hover_topic": (
        "{brand}·{topic}：负面 {share}（{negative} / {mentions}）",
        "{brand} · {topic}: {share} negative ({negative} of {mentions})",
    ),
    "competitors.reading": (
        "近 {weeks} 周 {brand} 的声量份额为 {share}，负面占比 {negative}；"
        "竞品中负面占比最低的是 {rival}（{rival_negative}）。",
        "Over the last {weeks} weeks {brand} had {share} of the voice and {negative} of its "
        "mentions were negative; the least negative competitor: {rival} ({rival_negative}).",
    ),
    "competitors.reading_alone": (
        "近 {weeks} 周只有 {brand} 被提及，负面占比 {negative}。",
        "Over the last {weeks} weeks only {brand} was mentioned, {negative} negative.",
    ),
    "competitors.reading_no_own": (
        "近 {weeks} 周声量最大的是 {brand}（{share}）。",
        "Over the last {weeks} weeks {brand} was the loudest ({share}).",
    ),
    # 10 data health
    "data_health.title": ("数据健康", "Data health"),
    "data_health.empty": ("尚未载入任何文件", "No file loaded yet"),
    "data_health.tile_rows": ("已载入行数", "rows loaded"),
    "data_health.tile_quarantined": ("隔离比例", "quarantined"),
    "data_health.tile_failed_errors": ("失败检查（错误）", "failed checks (errors)"),
    "data_health.tile_failed_warnings": ("失败检查（警告）", "failed checks (warnings)"),
    "data_health.loaded": ("已载入", "loaded"),
    "data_health.quarantined": ("已隔离", "quarantined"),
    "data_health.hover_loaded": (
        "{source}：载入 {rows} 行（{files} 个文件）",
        "{source}: {rows} rows loaded ({files} files)",
    ),
    "data_health.hover_quarantined": (
        "{source}：隔离 {rows} 行（{share}）",
        "{source}: {rows} rows quarantined ({share})",
    ),
    "data_health.rows_title": ("各来源的行数", "Rows per source"),
    "data_health.axis_rows": ("行数", "rows"),
    "data_health.quarantine_title": ("隔离原因", "Why rows were quarantined"),
    "data_health.axis_quarantined": ("隔离行数", "quarantined rows"),
    "data_health.hover_reason": (
        "{source}·{reason}：{rows} 行",
        "{source} · {reason}: {rows} rows",
    ),
    "data_health.reason.MALFORMED_JSON": ("JSON 格式错误", "malformed JSON"),
    "data_health.reason.MALFORMED_ROW": ("CSV 行格式错误", "malformed CSV row"),
    "data_health.reason.ENCODING_ERROR": ("编码错误", "encoding error"),
    "data_health.reason.MISSING_REQUIRED_COLUMN": ("缺少必需列", "required column missing"),
    "data_health.reason.MISSING_REQUIRED_VALUE": ("缺少必填值", "required value missing"),
    "data_health.reason.INVALID_TIMESTAMP": ("时间无效", "invalid timestamp"),
    "data_health.reason.FUTURE_TIMESTAMP": ("时间在未来", "timestamp in the future"),
    "data_health.reason.INVALID_NUMBER": ("数字无效", "invalid number"),
    "data_health.reason.OUT_OF_RANGE": ("超出取值范围", "out of range"),
    "data_health.reason.UNKNOWN_ENUM": ("未知取值", "unknown value"),
    "data_health.col.source": ("来源", "Source"),
    "data_health.col.files": ("文件", "Files"),
    "data_health.col.rows": ("载入行数", "Rows loaded"),
    "data_health.col.quarantined": ("隔离行数", "Quarantined"),
    "data_health.col.newest": ("最新数据日", "Newest data"),
    "data_health.col.behind": ("落后", "Behind"),
    "data_health.col.loaded_at": ("最近载入", "Last loaded"),
    "data_health.col.layer": ("层", "Layer"),
    "data_health.col.suite": ("检查套件", "Suite"),
    "data_health.col.check": ("检查", "Check"),
    "data_health.col.severity": ("级别", "Severity"),
    "data_health.col.unexpected": ("不符合的值", "Unexpected values"),
    "data_health.col.run_at": ("运行时间", "Run at"),
    "data_health.days": ("{n} 天", "{n} days"),
    "data_health.all_passed": (
        "各层最近一次运行的 {n} 项质量检查全部通过。",
        "All {n} quality checks of each layer's latest run passed.",
    ),
    "data_health.layer.raw": ("原始层", "raw"),
    "data_health.layer.intermediate": ("中间层", "intermediate"),
    "data_health.layer.marts": ("数据集市", "marts"),
    "data_health.layer.authenticity": ("虚假评论规则", "fake-review rules"),
    "data_health.severity.error": ("错误", "error"),
    "data_health.severity.warning": ("警告", "warning"),
    "data_health.reading": (
        "{sources} 个来源共载入 {rows} 行，隔离 {quarantined} 行（{share}）；"
        "质量检查 {checks} 项，失败 {failed} 项。",
        "{sources} sources loaded {rows} rows and quarantined {quarantined} ({share}); "
        "{failed} of {checks} quality checks failed.",
    ),
    "data_health.reading_stale": (
        "最旧的来源：{source}，落后 {days} 天。",
        " Stalest source: {source}, {days} days behind.",
    ),
    "data_health.reading_fresh": ("所有来源都已更新到最新一天。", " Every source is up to date."),
}
