"""Every user-visible string of the report, in Chinese (default) and English.

``LABELS`` maps a key to ``(zh, en)``; values are ``str.format`` templates filled by
``ctx.text(key, **values)``. Keys are grouped in blocks, one per owner, so two people can add
keys without touching each other's lines: ``_COMMON`` (page frame, names of topics, segments,
touchpoints, sources, metrics), ``_CORE`` (sections 1-5) and ``_SECTIONS_6_10``. A section's
keys start with its id; ``<id>.title`` is required (the report shows it even when the
section fails or its mart is missing).

Names that come from the data (``topic.<name>``, ``segment.<name>``, ...) fall back to the raw
name when a value has no label yet (a new topic in the seed must not break the nightly report);
any other unknown key raises ``KeyError``, so a typo fails the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

LANGS = ("zh", "en")

#: Key prefixes whose unknown values fall back to the value itself.
NAME_PREFIXES = (
    "topic.",
    "segment.",
    "touchpoint.",
    "source.",
    "platform.",
    "brand.",
    "team.",
    "priority.",
    "channel.",
    "metric.",
    "scope.",
    "severity.",
    "status.",
    "quadrant.",
)

_COMMON: dict[str, tuple[str, str]] = {
    # Page frame
    "page.title": ("客户之声（VoC）报告", "Voice of the Customer report"),
    "page.subtitle": (
        "数据截至 {as_of}（{timezone}）· 生成于 {generated}",
        "Data up to {as_of} ({timezone}) · generated {generated}",
    ),
    "page.subtitle_empty": (
        "暂无数据 · 生成于 {generated}",
        "No data yet · generated {generated}",
    ),
    "page.nav": ("目录", "Contents"),
    "page.footer": (
        "只读取服务副本（marts）中已脱敏的数据；图表由 Plotly 离线绘制，无需联网。",
        "Read from the serving copy (marts) only, masked text only; charts drawn offline "
        "by Plotly, no network needed.",
    ),
    "empty.no_data": ("暂无数据", "No data yet"),
    "empty.no_table": (
        "暂无数据：服务副本中还没有这张表（{table}）。",
        "No data yet: the serving copy has no table {table} yet.",
    ),
    "error.section": (
        "本节生成失败（{error}），其余各节不受影响。",
        "This section failed to build ({error}); the other sections are unaffected.",
    ),
    "mark.low_sample": ("样本少", "low sample"),
    "mark.low_sample_note": (
        "样本少（少于 {n} 份回答），仅供参考",
        "Low sample (fewer than {n} answers): read with care",
    ),
    "mark.significant": ("显著", "significant"),
    "mark.not_significant": ("不显著", "not significant"),
    "unit.answers": ("{n} 份回答", "{n} answers"),
    "unit.mentions": ("{n} 次提及", "{n} mentions"),
    "unit.items": ("{n} 条", "{n} items"),
    "axis.month": ("月份", "Month"),
    "axis.week": ("周（周一）", "Week (Monday)"),
    "axis.topic": ("话题", "Topic"),
    "axis.touchpoint": ("触点", "Touchpoint"),
    # Metrics
    "metric.nps": ("NPS", "NPS"),
    "metric.csat": ("CSAT（满意率 %）", "CSAT (% satisfied)"),
    "metric.ces": ("CES（1-7 均值）", "CES (mean 1-7)"),
    "metric.nps_short": ("NPS", "NPS"),
    "metric.csat_short": ("CSAT", "CSAT"),
    "metric.ces_short": ("CES", "CES"),
    "metric.negative_share": ("负面占比", "Negative share"),
    "metric.mentions": ("提及数", "Mentions"),
    "metric.interval": ("95% 区间", "95% interval"),
    # Topics (voc_core.contracts.TOPICS)
    "topic.product_quality": ("产品质量", "Product quality"),
    "topic.service_attitude": ("服务态度", "Service attitude"),
    "topic.logistics": ("物流配送", "Logistics"),
    "topic.process": ("流程手续", "Process"),
    "topic.price": ("价格", "Price"),
    "topic.app_experience": ("App 体验", "App experience"),
    "topic.store_environment": ("门店环境", "Store environment"),
    "topic.other": ("其他", "Other"),
    # Segments
    "segment.all": ("全部客户", "All customers"),
    "segment.digital_native": ("数字原生", "Digital natives"),
    "segment.value_seeker": ("性价比型", "Value seekers"),
    "segment.quality_seeker": ("品质型", "Quality seekers"),
    "segment.mainstream": ("大众型", "Mainstream"),
    "segment.unknown": ("未知客户", "Unknown customer"),
    # Touchpoints (journey stages)
    "touchpoint.purchase": ("购买", "Purchase"),
    "touchpoint.delivery": ("配送", "Delivery"),
    "touchpoint.support": ("客服", "Support"),
    "touchpoint.store": ("门店", "Store"),
    "touchpoint.app": ("App", "App"),
    "touchpoint.unknown": ("未归类", "Unassigned"),
    # Sources (voc_core.contracts.SOURCES)
    "source.survey": ("问卷", "Surveys"),
    "source.app_review": ("应用商店评论", "App reviews"),
    "source.marketplace_review": ("电商平台评论", "Marketplace reviews"),
    "source.social_post": ("社交媒体", "Social posts"),
    "source.support_ticket": ("客服工单", "Support tickets"),
    "source.store_card": ("门店意见卡", "Store cards"),
    "source.crm_customer": ("CRM 客户", "CRM customers"),
    "source.order": ("订单", "Orders"),
    "source.improvement_action": ("改进措施", "Improvement actions"),
    "source.topic_label": ("话题标注样本", "Topic labels (audit sample)"),
}

_CORE: dict[str, tuple[str, str]] = {
    # 1 headline
    "headline.title": ("本月概览", "This month at a glance"),
    "headline.reading": (
        "{month} NPS {nps}（较上月 {delta}），CSAT {csat}，CES {ces}；"
        "待跟进 {open} 条，其中逾期 {overdue} 条；今日预警 {alerts} 条。",
        "{month}: NPS {nps} ({delta} on last month), CSAT {csat}, CES {ces}; "
        "{open} follow-ups open, {overdue} of them overdue; {alerts} alerts today.",
    ),
    "headline.reading_no_last": (
        "{month} NPS {nps}（上月无数据），CSAT {csat}，CES {ces}；"
        "待跟进 {open} 条，其中逾期 {overdue} 条；今日预警 {alerts} 条。",
        "{month}: NPS {nps} (no figure last month), CSAT {csat}, CES {ces}; "
        "{open} follow-ups open, {overdue} of them overdue; {alerts} alerts today.",
    ),
    "headline.empty": (
        "暂无问卷回答：还没有 NPS、CSAT、CES 数据。",
        "No survey answers yet: no NPS, CSAT or CES figures.",
    ),
    "headline.kpi_nps": ("NPS", "NPS"),
    "headline.kpi_csat": ("CSAT 满意率", "CSAT satisfied"),
    "headline.kpi_ces": ("CES 省力度（1-7）", "CES ease (1-7)"),
    "headline.kpi_open": ("待跟进", "Open follow-ups"),
    "headline.kpi_overdue": ("已逾期", "Overdue"),
    "headline.kpi_alerts": ("今日预警", "Alerts today"),
    "headline.month": ("{month}（截至 {as_of}）", "{month} (up to {as_of})"),
    "headline.vs_last": ("较上月 {delta}", "{delta} vs last month"),
    "headline.no_last": ("上月无数据", "no figure last month"),
    "headline.interval": ("95% 区间 {low} – {high}", "95% interval {low} – {high}"),
    "headline.n": ("{n} 份回答", "{n} answers"),
    "headline.na": ("—", "—"),
    "headline.overdue_traceable": (
        "其中 {n} 条可在数据中追踪回复",
        "{n} of them traceable in the data",
    ),
    "headline.alerts_critical": ("其中严重 {n} 条", "{n} critical"),
    "headline.followup_note": (
        "待跟进 = 尚未回复且未解决（含逾期）；预警为 {as_of} 当天触发的负面激增。",
        "Open = neither answered nor resolved (overdue included); alerts are negative "
        "spikes raised on {as_of}.",
    ),
    # 2 trends
    "trends.title": ("NPS / CSAT / CES 月度趋势", "NPS / CSAT / CES by month"),
    "trends.reading": (
        "{segment}：NPS 从 {first_month} 的 {first} 变为 {last_month} 的 {last}（{delta}）；"
        "最低 {min_month} {min}。",
        "{segment}: NPS went from {first} in {first_month} to {last} in {last_month} "
        "({delta}); lowest {min} in {min_month}.",
    ),
    "trends.reading_one": (
        "{segment}：只有 {month} 一个月的数据，NPS {nps}。",
        "{segment}: one month of data only ({month}), NPS {nps}.",
    ),
    "trends.empty": ("暂无按月的问卷数据。", "No survey answers by month yet."),
    "trends.segment_menu": ("客户分群", "Segment"),
    "trends.band": ("{metric} 95% 区间", "{metric} 95% interval"),
    "trends.hover_nps": (
        "{month}<br>NPS %{{y:.1f}}<br>区间 {low} – {high}<br>{n} 份回答",
        "{month}<br>NPS %{{y:.1f}}<br>interval {low} – {high}<br>{n} answers",
    ),
    "trends.axis_nps": ("NPS（-100 ~ 100）", "NPS (-100 to 100)"),
    "trends.axis_csat": ("CSAT 满意率 %", "CSAT % satisfied"),
    "trends.axis_ces": ("CES 均值（1-7）", "CES mean (1-7)"),
    "trends.low_sample_marker": ("样本少的月份", "Low-sample months"),
    # 3 topic heat map
    "topic_heatmap.title": ("话题 × 周：负面占比", "Topic x week: negative share"),
    "topic_heatmap.reading": (
        "最近一周（{week}）负面占比最高的话题是{topic}：{share}（{n} 次提及）。",
        "In the latest week ({week}) {topic} had the highest negative share: {share} "
        "({n} mentions).",
    ),
    "topic_heatmap.empty": ("暂无话题提及数据。", "No topic mentions yet."),
    "topic_heatmap.hover": (
        "%{{y}}<br>%{{x}} 这一周<br>负面占比 %{{z:.1%}}<br>%{{customdata[0]:,}} 次提及，"
        "其中负面 %{{customdata[1]:,}}",
        "%{{y}}<br>week of %{{x}}<br>negative share %{{z:.1%}}<br>%{{customdata[0]:,}} "
        "mentions, %{{customdata[1]:,}} negative",
    ),
    "topic_heatmap.colorbar": ("负面占比", "Negative share"),
    # 4 key drivers
    "key_drivers.title": (
        "关键驱动因素：影响 × 负面提及率",
        "Key drivers: impact x negative share",
    ),
    "key_drivers.reading": (
        "近 90 天最伤 NPS 的话题是{topic}：提及它的客户 NPS 低 {impact} 分"
        "（{share} 的回答负面提及它）；优先处理：{fix_first}。",
        "Over the last 90 days {topic} costs NPS the most: {impact} points lower for those "
        "who mention it ({share} of answers mention it negatively); fix first: {fix_first}.",
    ),
    "key_drivers.none": ("无", "none"),
    "key_drivers.empty": (
        "暂无近 90 天的关键驱动因素数据。",
        "No key-driver figures for the last 90 days yet.",
    ),
    "key_drivers.axis_x": (
        "负面提及率（负面提及该话题的 NPS 回答占比）",
        "Negative mention share (NPS answers mentioning the topic negatively)",
    ),
    "key_drivers.axis_y": (
        "NPS 影响（提及者 − 未提及者，分）",
        "NPS impact (mentioning minus not mentioning, points)",
    ),
    "key_drivers.hover": (
        "%{{text}}<br>负面提及率 %{{x:.1%}}<br>NPS 影响 %{{y:.1f}}"
        "（区间 %{{customdata[0]:.1f}} – %{{customdata[1]:.1f}}）<br>"
        "%{{customdata[2]:,}} 次负面提及<br>%{{customdata[3]}}",
        "%{{text}}<br>negative share %{{x:.1%}}<br>NPS impact %{{y:.1f}} "
        "(interval %{{customdata[0]:.1f}} – %{{customdata[1]:.1f}})<br>"
        "%{{customdata[2]:,}} negative mentions<br>%{{customdata[3]}}",
    ),
    "key_drivers.share_boundary": ("高/低提及率分界", "high/low share boundary"),
    "key_drivers.window": (
        "窗口：{start} 至 {end}，{n} 份 NPS 回答",
        "Window: {start} to {end}, {n} NPS answers",
    ),
    "quadrant.fix_first": ("优先解决", "Fix first"),
    "quadrant.monitor": ("持续关注", "Monitor"),
    "quadrant.maintain": ("保持", "Maintain"),
    "quadrant.low_priority": ("低优先级", "Low priority"),
    # 5 journey
    "journey.title": (
        "客户旅程：各触点 NPS 与负面占比",
        "Journey: NPS and negative share by touchpoint",
    ),
    "journey.reading": (
        "{period}，{touchpoint}的 NPS 最低：{nps}（{n} 份回答）；"
        "负面占比最高的是{neg_touchpoint}：{share}。",
        "{period}: {touchpoint} has the lowest NPS, {nps} "
        "({n} answers); {neg_touchpoint} has the highest negative share, {share}.",
    ),
    "journey.reading_no_nps": (
        "{period}，负面占比最高的触点是{neg_touchpoint}：{share}。",
        "{period}: {neg_touchpoint} has the highest negative share, {share}.",
    ),
    "journey.period": ("{start} 至 {end}", "{start} to {end}"),
    "journey.empty": ("暂无客户旅程数据。", "No journey figures yet."),
    "journey.nps_trace": ("NPS", "NPS"),
    "journey.neg_trace": ("负面占比", "Negative share"),
    "journey.axis_nps": ("NPS", "NPS"),
    "journey.axis_neg": ("文本负面占比", "Negative share of text"),
    "journey.hover_nps": (
        "%{{x}}<br>NPS %{{y:.1f}}（区间 %{{customdata[0]:.1f}} – %{{customdata[1]:.1f}}）"
        "<br>%{{customdata[2]:,}} 份回答",
        "%{{x}}<br>NPS %{{y:.1f}} (interval %{{customdata[0]:.1f}} – %{{customdata[1]:.1f}})"
        "<br>%{{customdata[2]:,}} answers",
    ),
    "journey.hover_neg": (
        "%{{x}}<br>负面占比 %{{y:.1%}}<br>%{{customdata[0]:,}} 条文本<br>"
        "主要负面话题：%{{customdata[1]}}",
        "%{{x}}<br>negative share %{{y:.1%}}<br>%{{customdata[0]:,}} texts<br>"
        "top negative topic: %{{customdata[1]}}",
    ),
    "journey.table_touchpoint": ("触点", "Touchpoint"),
    "journey.table_nps": ("NPS", "NPS"),
    "journey.table_n": ("回答数", "Answers"),
    "journey.table_neg": ("负面占比", "Negative share"),
    "journey.table_topic": ("主要负面话题", "Top negative topic"),
}

#: Sections 6-10 (improvements, followup, voices, competitors, data_health).
_SECTIONS_6_10: dict[str, tuple[str, str]] = {
    # Source values as fct_feedback spells them (ecommerce_review, social); all = every channel.
    "source.all": ("全部渠道", "all channels"),
    "source.ecommerce_review": ("电商评论", "marketplace reviews"),
    "source.social": ("社交媒体", "social media"),
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
        "None of {actions} improvements has a confirmed effect yet ({significant} "
        "significant but to be read with care).",
    ),
    "improvements.caveat_note": (
        "{n} 项结果显著但需谨慎解读（无对照组、前趋势不平行或有重叠措施）。",
        "{n} significant results are to be read with care (no control group, non-parallel "
        "pre-trends or an overlapping action).",
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
    "followup.title": ("跟进闭环与告警", "Follow-up and alerts"),
    "followup.empty": ("暂无需要跟进的反馈", "No feedback to follow up yet"),
    "followup.store_teams": ("各门店（合计）", "stores (all)"),
    "team.品控": ("品控", "Quality control"),
    "team.物流": ("物流", "Logistics"),
    "team.客服": ("客服", "Customer service"),
    "team.售后": ("售后", "After-sales"),
    "team.商品运营": ("商品运营", "Merchandising"),
    "team.App产品": ("App 产品", "App product"),
    "team.门店运营": ("门店运营", "Store operations"),
    "team.客户体验": ("客户体验", "Customer experience"),
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
        "逾期未响应（团队 × 优先级）",
        "Overdue without a response (team x priority)",
    ),
    "followup.axis_backlog": ("逾期未响应条目", "overdue items without a response"),
    "followup.hover_backlog": (
        "{priority}：逾期 {n} 条（可追踪 {traceable} 条）",
        "{priority}: {n} overdue ({traceable} traceable)",
    ),
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
        "负面 {negatives} 条 / 提及 {mentions} "
        "条（{share}），基线负面占比 {baseline}，控制上限 "
        "{limit} 条",
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
        "近 {days} 天按时响应率 {share}（{measured} 条）；"
        "最低：{team} {priority} {worst}；逾期 "
        "{overdue} 条（可追踪 {traceable} 条）；今日告警 "
        "{alerts} 条。",
        "On-time response over the last {days} days: {share} ({measured} items); lowest: "
        "{team} {priority} {worst}; {overdue} overdue ({traceable} traceable); {alerts} "
        "alerts today.",
    ),
    "followup.reading_no_sla": (
        "暂无到期条目；逾期积压 {overdue} 条；今日告警 {alerts} 条。",
        "No item due yet; {overdue} overdue; {alerts} alerts today.",
    ),
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
        "Over the last {days} days customers talked most about {topic}; the most "
        "frequent word is “{keyword}” ({items} items).",
    ),
    "voices.reading_negative": (
        "负面反馈最多的主题：{topic}（{negative} 条）。",
        " Most negative items: {topic} ({negative}).",
    ),
    "competitors.title": ("竞品对比", "Competitors"),
    "competitors.empty": ("暂无品牌提及数据", "No brand mentions yet"),
    "brand.禾光": ("禾光", "Heguang"),
    "brand.长青": ("长青", "Changqing"),
    "brand.小麦": ("小麦", "Xiaomai"),
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
        "近 {weeks} 周 {brand} 的声量份额为 {share}，负面占比 "
        "{negative}；竞品中负面占比最低的是 "
        "{rival}（{rival_negative}）。",
        "Over the last {weeks} weeks {brand} had {share} of the voice and {negative} of "
        "its mentions were negative; the least negative competitor: {rival} "
        "({rival_negative}).",
    ),
    "competitors.reading_alone": (
        "近 {weeks} 周只有 {brand} 被提及，负面占比 {negative}。",
        "Over the last {weeks} weeks only {brand} was mentioned, {negative} negative.",
    ),
    "competitors.reading_no_own": (
        "近 {weeks} 周声量最大的是 {brand}（{share}）。",
        "Over the last {weeks} weeks {brand} was the loudest ({share}).",
    ),
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
        "{sources} 个来源共载入 {rows} 行，隔离 "
        "{quarantined} 行（{share}）；质量检查 {checks} "
        "项，失败 {failed} 项。",
        "{sources} sources loaded {rows} rows and quarantined {quarantined} ({share}); "
        "{failed} of {checks} quality checks failed.",
    ),
    "data_health.reading_stale": (
        "最旧的来源：{source}，落后 {days} 天。",
        " Stalest source: {source}, {days} days behind.",
    ),
    "data_health.reading_fresh": ("所有来源都已更新到最新一天。", " Every source is up to date."),
}

LABELS: dict[str, tuple[str, str]] = {**_COMMON, **_CORE, **_SECTIONS_6_10}


def label(key: str, lang: str = "zh", **values: object) -> str:
    """The label ``key`` in ``lang``, formatted with ``values``."""
    index = LANGS.index(lang)
    entry = LABELS.get(key)
    if entry is None:
        if key.startswith(NAME_PREFIXES):
            return key.split(".", 1)[1]
        raise KeyError(f"report label {key!r} is not in report.labels")
    # Always formatted, so a template's literal braces (plotly hover templates) are written
    # doubled, ``%{{y}}``, whether or not it takes values.
    return entry[index].format(**values)


def text_for(lang: str) -> Callable[..., str]:
    """``ReportContext.text``: ``label`` bound to ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"report language {lang!r}: expected one of {', '.join(LANGS)}")

    def text(key: str, **values: object) -> str:
        return label(key, lang, **values)

    return text


_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(day: date, lang: str) -> str:
    """A business month, e.g. ``2026年10月`` or ``Oct 2026``."""
    if lang == "zh":
        return f"{day.year}年{day.month}月"
    return f"{_EN_MONTHS[day.month - 1]} {day.year}"


def day_label(day: date, lang: str) -> str:
    """A business day, e.g. ``2026年10月31日`` or ``31 Oct 2026``."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


def short_day_label(day: date, lang: str) -> str:
    """A day within a year, for axes: ``10/31`` or ``31 Oct``."""
    if lang == "zh":
        return f"{day.month}/{day.day}"
    return f"{day.day} {_EN_MONTHS[day.month - 1]}"


def number(value: float | None, decimals: int = 1, signed: bool = False) -> str:
    """``1,234.5``; ``—`` for a missing value; ``+1.2`` when ``signed``."""
    if value is None or value != value:  # None or NaN
        return "—"
    sign = "+" if signed else ""
    return f"{value:{sign},.{decimals}f}"


def percent(share: float | None, decimals: int = 1) -> str:
    """A 0-1 share as ``12.3%``; ``—`` when missing."""
    if share is None or share != share:
        return "—"
    return f"{100 * share:.{decimals}f}%"
