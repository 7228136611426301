"""The default letter categories and their keywords (issue 8); the system administrator changes them."""

DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("作风纪律", "迟到 早退 脱岗 离岗 打卡 考勤 饮酒 公车 推诿 扯皮 态度 形式主义 官僚 拖延 不作为"),
    ("廉洁问题", "收受 礼金 红包 回扣 招标 投标 采购 虚报 报销 发票 挪用 公款 好处费 亲属 贪污 吃拿卡要"),
    ("工作建议", "建议 优化 改进 流程 系统 培训 效率 安全 技术 节能"),
    ("生活困难", "困难 生病 住院 医药费 学费 补助 救助 帮扶 治疗 手术 房贷 单亲"),
    ("组织生活", "支部 党课 三会一课 主题党日 组织生活 党小组 党费 组织关系 入党 党员"),
    ("其他", ""),
)
FALLBACK = "其他"
