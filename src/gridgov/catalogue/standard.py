"""The standard matter catalogue (事项清单) a district starts from.

The classes follow GB/T 30428 (digital city management: 市容环境, 宣传广告, 施工管理, 街面秩序, 公用设施,
道路交通, 园林绿化, 突发事件) joined with the domains of the seeds' grid work (社会治安, 消防安全, 环境保护,
养老关怀, 矛盾纠纷, 物业管理, 民生服务, 市场监管). Codes give two digits per level; a row's parent is
its code less the last two digits.

``on_grid_list`` marks the grid matter list (网格事项清单): the small matters a grid worker settles on
the spot (暴露垃圾, 乱堆物料, 占道经营, 小广告, a missing manhole cover reported and guarded, 邻里纠纷 …).
Matters needing law enforcement, expertise or equipment (违法建设, 环境污染, major fire hazards,
治安案件 …) are not on it and go the big loop to a department.

Departments are code slugs resolved per district: chengguan 城管/综合执法, gongan 公安, zhujian 住建,
shengtai 生态环境, shichang 市场监管, yingji 应急管理, xiaofang 消防, minzheng 民政, weijian 卫健,
jiaotong 交通运输, shuiwu 水务. Response limits are clock hours, resolution limits working days.
"""

COLUMNS = ("code", "name", "plain_name", "handling_level", "lead_department", "assisting_departments",
           "response_limit_hours", "resolution_limit_days", "on_grid_list", "needs_verification", "urgency", "keywords")

G, C, S, D = "grid", "community", "street", "department"
N, U, X = "normal", "urgent", "critical"

CATALOGUE = [
    ("01", "市容环境", "市容环境问题", C, "chengguan", "", 4, 2, False, True, N, "市容 环境 脏乱"),
    ("0101", "环境卫生", "垃圾和卫生问题", G, "chengguan", "", 2, 1, True, True, N, "垃圾 卫生 清扫"),
    ("010101", "暴露垃圾", "路边有垃圾没人清", G, "chengguan", "", 2, 1, True, True, N, "垃圾 暴露垃圾 乱扔 垃圾袋 没人清"),
    ("010102", "积存垃圾渣土", "垃圾渣土堆了很久", C, "chengguan", "zhujian", 4, 2, True, True, N, "积存 渣土 垃圾堆 堆积 清运"),
    ("010103", "垃圾满溢", "垃圾桶满了溢出来", G, "chengguan", "", 2, 1, True, True, N, "垃圾桶 满溢 溢出 臭 清运"),
    ("010104", "道路不洁", "路面脏有油污", C, "chengguan", "", 4, 1, True, True, N, "路面 脏 油污 清扫 保洁"),
    ("010105", "动物尸体", "路上有死猫死狗", G, "chengguan", "", 2, 1, True, True, N, "动物尸体 死猫 死狗 死老鼠 腐烂"),
    ("010106", "公厕管理", "公共厕所脏或坏了", S, "chengguan", "", 4, 2, False, True, N, "公厕 厕所 臭 堵塞 无水"),
    ("0102", "市容秩序", "乱堆乱放乱晾晒", G, "chengguan", "", 2, 1, True, True, N, "乱堆 乱放 乱晾 秩序"),
    ("010201", "乱堆物料", "乱堆乱放杂物", G, "chengguan", "", 2, 1, True, True, N, "乱堆 乱放 杂物 物料 堆放 占用"),
    ("010202", "沿街晾挂", "沿街乱晾晒衣物", G, "chengguan", "", 4, 1, True, False, N, "晾晒 晾衣 晾挂 衣物 被子"),
    ("010203", "焚烧垃圾树叶", "有人在烧垃圾", G, "chengguan", "shengtai", 2, 1, True, True, U, "焚烧 烧垃圾 烧树叶 冒烟 烟雾"),
    ("010204", "露天烧烤", "露天烧烤油烟大", S, "chengguan", "shengtai shichang", 4, 2, False, True, N, "露天烧烤 烧烤 夜宵 油烟"),
    ("010205", "违规饲养家禽", "城区有人养鸡养鸭", C, "chengguan", "weijian", 12, 5, True, True, N, "养鸡 养鸭 家禽 鸡叫 臭味"),

    ("02", "宣传广告", "广告和标语问题", G, "chengguan", "", 4, 2, True, True, N, "广告 标语 宣传"),
    ("0201", "非法小广告", "乱贴小广告", G, "chengguan", "", 4, 1, True, True, N, "小广告 牛皮癣 乱贴 喷涂 涂鸦 办证"),
    ("0202", "违规户外广告", "广告牌没经过审批", S, "chengguan", "", 12, 5, False, True, N, "户外广告 广告牌 招牌 审批 违规"),
    ("0203", "广告招牌破损", "广告牌破了有掉落危险", S, "chengguan", "yingji", 2, 2, False, True, U, "广告牌 招牌 破损 松动 掉落 危险"),
    ("0204", "散发张贴广告", "沿街发传单摆广告牌", G, "chengguan", "", 4, 1, True, False, N, "传单 发传单 散发 广告牌 摆放"),
    ("0205", "横幅标语破旧", "横幅标语破旧过期", G, "chengguan", "", 12, 2, True, False, N, "横幅 标语 破旧 过期 宣传栏"),

    ("03", "施工管理", "工地和施工问题", D, "zhujian", "chengguan", 12, 5, False, True, N, "工地 施工"),
    ("0301", "施工扰民", "工地晚上施工太吵", S, "zhujian", "shengtai chengguan", 2, 2, False, True, U, "施工 噪音 夜间施工 扰民 吵 工地"),
    ("0302", "施工围挡破损", "工地围挡坏了", S, "zhujian", "", 12, 3, False, True, N, "围挡 工地 破损 倒塌 施工"),
    ("0303", "工地扬尘", "工地灰尘很大", D, "zhujian", "shengtai", 4, 3, False, True, N, "扬尘 灰尘 工地 裸土 覆盖 洒水"),
    ("0304", "渣土车撒漏", "渣土车一路掉土", D, "chengguan", "jiaotong gongan", 4, 3, False, True, N, "渣土车 撒漏 掉土 泥头车 运输"),
    ("0305", "违法建设", "有人违章搭建", D, "chengguan", "zhujian", 24, 15, False, True, N, "违建 违章 搭建 加层 私搭乱建 违法建设"),
    ("0306", "道路挖掘未恢复", "挖开的路没有填好", D, "zhujian", "jiaotong", 12, 5, False, True, N, "挖掘 开挖 回填 恢复 路面 坑"),

    ("04", "街面秩序", "街面摆摊和停放问题", G, "chengguan", "", 2, 1, True, True, N, "街面 秩序 摆摊"),
    ("0401", "占道经营", "有人占道摆摊", G, "chengguan", "shichang", 2, 1, True, True, N, "占道 摆摊 地摊 占道经营 人行道"),
    ("0402", "店外经营", "商铺把东西摆到门外", G, "chengguan", "", 2, 1, True, True, N, "店外 出店 门前 越门 摆放 商铺"),
    ("0403", "无照游商", "流动商贩到处摆摊", G, "chengguan", "shichang", 2, 1, True, True, N, "流动 商贩 游商 小贩 三轮车"),
    ("0404", "非机动车乱停放", "电动车共享单车乱停", G, "chengguan", "gongan", 4, 1, True, True, N, "电动车 自行车 共享单车 乱停 乱放"),
    ("0405", "机动车乱停放", "汽车乱停堵了路", D, "gongan", "chengguan", 2, 1, False, True, N, "汽车 乱停 违停 堵路 占道停车 车位"),

    ("05", "公用设施", "井盖路灯等公共设施坏了", C, "chengguan", "zhujian", 4, 3, True, True, N, "设施 损坏 公共设施"),
    ("0501", "井盖设施", "井盖问题", G, "chengguan", "shuiwu", 2, 1, True, True, U, "井盖"),
    ("050101", "井盖缺失", "井盖不见了", G, "chengguan", "shuiwu", 1, 1, True, True, U, "井盖 缺失 丢失 没有井盖 窨井 危险"),
    ("050102", "井盖破损", "井盖坏了", G, "chengguan", "shuiwu", 2, 2, True, True, U, "井盖 破损 断裂 塌陷"),
    ("050103", "井盖移位异响", "井盖松动有响声", G, "chengguan", "shuiwu", 4, 2, True, True, N, "井盖 松动 移位 异响 响声"),
    ("0502", "照明设施", "路灯和照明问题", C, "chengguan", "", 4, 3, True, True, N, "路灯 照明"),
    ("050201", "路灯不亮", "路灯不亮", C, "chengguan", "", 4, 3, True, True, N, "路灯 不亮 灯坏 太黑 照明"),
    ("050202", "路灯杆损坏", "路灯杆歪了或倒了", S, "chengguan", "jiaotong", 2, 2, False, True, U, "路灯杆 倾斜 倒伏 歪 灯杆"),
    ("050203", "景观灯损坏", "景观灯坏了", C, "chengguan", "", 12, 5, True, True, N, "景观灯 亮化 灯带 霓虹"),
    ("0503", "管线设施", "水管燃气管线问题", D, "zhujian", "shuiwu", 2, 2, False, True, U, "管线 管道"),
    ("050301", "供水管道漏水", "水管破了在漏水", D, "shuiwu", "zhujian", 2, 2, False, True, U, "水管 漏水 爆管 冒水 停水 供水"),
    ("050302", "燃气泄漏", "闻到燃气味", D, "zhujian", "xiaofang yingji", 1, 1, False, True, X, "燃气 天然气 煤气 泄漏 漏气 气味"),
    ("050303", "架空线缆杂乱", "电线网线乱拉乱挂", C, "zhujian", "", 12, 5, False, True, N, "电线 网线 飞线 线缆 乱拉 乱挂 蜘蛛网"),
    ("050304", "排水管道堵塞", "下水道堵了冒污水", D, "shuiwu", "chengguan", 4, 2, False, True, U, "下水道 堵塞 冒水 污水 排水 化粪池"),
    ("0504", "便民设施", "座椅健身器材等坏了", C, "chengguan", "", 12, 5, True, True, N, "便民 设施"),
    ("050401", "公共座椅损坏", "路边的椅子坏了", C, "chengguan", "", 12, 5, True, True, N, "座椅 长椅 休息椅 坏了"),
    ("050402", "健身器材损坏", "健身器材坏了", C, "chengguan", "", 12, 5, True, True, N, "健身器材 健身 器材 损坏 锻炼"),
    ("050403", "公交站亭损坏", "公交站牌坏了", D, "jiaotong", "", 12, 5, False, True, N, "公交 站亭 站牌 候车亭"),

    ("06", "道路交通", "道路和交通问题", D, "jiaotong", "gongan", 4, 5, False, True, N, "道路 交通"),
    ("0601", "道路破损", "路面坑洼不平", D, "jiaotong", "zhujian", 12, 5, False, True, N, "道路 坑洼 破损 坑 裂缝 路面"),
    ("0602", "人行道破损", "人行道砖松了坏了", S, "chengguan", "zhujian", 12, 5, False, True, N, "人行道 地砖 松动 破损 盲道"),
    ("0603", "交通标志标线缺损", "交通标志标线看不清", D, "gongan", "jiaotong", 12, 10, False, True, N, "交通标志 标线 斑马线 看不清 缺失"),
    ("0604", "交通信号灯故障", "红绿灯坏了", D, "gongan", "jiaotong", 1, 1, False, True, U, "红绿灯 信号灯 故障 不亮 乱闪"),
    ("0605", "道路护栏损坏", "路边护栏坏了", D, "jiaotong", "", 12, 5, False, True, N, "护栏 隔离栏 栏杆 损坏 倒"),
    ("0606", "道路积水", "下雨后路上积水", D, "shuiwu", "jiaotong chengguan", 2, 1, False, True, U, "积水 内涝 淹水 排水 下雨"),

    ("07", "园林绿化", "绿化和树木问题", C, "chengguan", "", 12, 5, True, True, N, "绿化 树木 绿地"),
    ("0701", "绿地脏乱", "绿化带里有垃圾", G, "chengguan", "", 4, 1, True, True, N, "绿化带 绿地 垃圾 脏乱"),
    ("0702", "毁绿占绿", "绿化带被种菜被占", G, "chengguan", "", 12, 3, True, True, N, "毁绿 种菜 占绿 踩踏 绿化带"),
    ("0703", "树木倒伏断枝", "树倒了或树枝要掉下来", S, "chengguan", "yingji", 2, 1, False, True, U, "倒树 断枝 树枝 倒伏 危险 砸"),
    ("0704", "树木遮挡", "树枝挡住路灯窗户", C, "chengguan", "", 12, 5, True, True, N, "树枝 遮挡 修剪 挡光 挡路灯"),
    ("0705", "行道树枯死缺株", "行道树死了没补", S, "chengguan", "", 24, 10, False, True, N, "行道树 枯死 缺株 补种"),

    ("08", "环境保护", "污染和噪声问题", D, "shengtai", "", 4, 5, False, True, N, "污染 环保"),
    ("0801", "噪声污染", "噪声扰民", S, "shengtai", "gongan", 2, 3, False, True, N, "噪声 噪音 吵"),
    ("080101", "社会生活噪声", "广场舞喇叭太吵", G, "gongan", "shengtai chengguan", 2, 1, True, True, N, "广场舞 喇叭 音响 噪音 吵闹 扰民 叫卖"),
    ("080102", "工业噪声", "工厂机器噪音大", D, "shengtai", "", 4, 5, False, True, N, "工厂 机器 噪音 工业 轰鸣"),
    ("0802", "大气污染", "油烟废气问题", D, "shengtai", "", 4, 5, False, True, N, "大气 空气 废气"),
    ("080201", "餐饮油烟", "饭馆油烟太大", S, "shengtai", "chengguan shichang", 4, 5, False, True, N, "油烟 饭馆 餐馆 排烟 烟味"),
    ("080202", "企业废气", "工厂冒黑烟有异味", D, "shengtai", "", 2, 3, False, True, U, "黑烟 废气 异味 臭气 排放 工厂"),
    ("0803", "水污染", "河道和污水问题", D, "shengtai", "shuiwu", 4, 5, False, True, N, "水污染 河道"),
    ("080301", "污水直排", "污水直接排进河里", D, "shengtai", "shuiwu", 2, 5, False, True, U, "污水 直排 排污 河 水发黑 臭水"),
    ("080302", "河道漂浮物", "河面上有垃圾", C, "shuiwu", "chengguan", 4, 2, True, True, N, "河道 漂浮物 河面 垃圾 水草"),
    ("0804", "固体废物", "乱倒废物问题", D, "shengtai", "chengguan", 4, 5, False, True, N, "废物 倾倒"),
    ("080401", "危险废物倾倒", "有人乱倒化学废料", D, "shengtai", "gongan", 1, 3, False, True, X, "危险废物 化学 废液 废油 倾倒 有毒"),
    ("080402", "建筑垃圾乱倒", "有人乱倒建筑垃圾", S, "chengguan", "zhujian", 4, 3, False, True, N, "建筑垃圾 装修垃圾 乱倒 偷倒"),

    ("09", "社会治安", "治安和安全问题", D, "gongan", "", 2, 3, False, True, U, "治安 安全"),
    ("0901", "治安案件", "有人打架或者偷东西", D, "gongan", "", 1, 5, False, True, U, "打架 斗殴 偷窃 盗窃 抢劫 报警"),
    ("0902", "治安隐患", "发现可疑情况", C, "gongan", "", 4, 2, True, True, N, "可疑 隐患 陌生人 监控 门禁"),
    ("0903", "出租房屋异常", "出租屋情况异常", C, "gongan", "zhujian", 12, 5, True, True, N, "出租房 出租屋 群租 租客 登记"),
    ("0904", "电信诈骗预警", "有人可能被骗钱", C, "gongan", "", 1, 1, True, False, U, "诈骗 被骗 转账 电信诈骗 刷单 冒充"),
    ("0905", "黄赌毒线索", "发现黄赌毒线索", D, "gongan", "", 2, 10, False, False, U, "赌博 吸毒 贩毒 卖淫 黄赌毒"),
    ("0906", "重点人员异常", "特殊人员情况异常", C, "gongan", "weijian minzheng", 2, 2, True, True, U, "精神障碍 肇事 社区矫正 失控 走失"),
    ("0907", "犬只扰民", "有人遛狗不牵绳", G, "gongan", "chengguan", 4, 2, True, True, N, "遛狗 牵绳 犬只 咬人 狗叫 流浪狗"),

    ("10", "消防安全", "消防隐患", C, "xiaofang", "yingji", 2, 2, True, True, U, "消防 火灾 隐患"),
    ("1001", "消防通道堵塞", "消防通道被堵了", G, "xiaofang", "chengguan", 2, 1, True, True, U, "消防通道 堵塞 占用 生命通道 停车"),
    ("1002", "电动车违规充电", "楼道里给电动车充电", G, "xiaofang", "", 2, 1, True, True, U, "电动车 充电 飞线 楼道 入户 电瓶"),
    ("1003", "楼道堆物", "楼道里堆满杂物", G, "xiaofang", "zhujian", 4, 1, True, True, N, "楼道 堆物 杂物 易燃 纸箱"),
    ("1004", "消防设施损坏", "灭火器消防栓坏了", C, "xiaofang", "zhujian", 12, 5, True, True, N, "灭火器 消防栓 消火栓 过期 损坏 喷淋"),
    ("1005", "重大火灾隐患", "有严重的火灾隐患", D, "xiaofang", "yingji", 2, 10, False, True, X, "火灾隐患 三合一 易燃易爆 仓库 严重"),

    ("11", "突发事件", "突发紧急情况", D, "yingji", "", 1, 1, False, True, X, "突发 紧急 事故"),
    ("1101", "火灾", "着火了", D, "xiaofang", "yingji gongan", 1, 1, False, True, X, "着火 火灾 冒烟 起火 失火"),
    ("1102", "自然灾害", "有山体滑坡塌方危险", D, "yingji", "zhujian", 1, 3, False, True, X, "滑坡 塌方 洪水 地质灾害 暴雨"),
    ("1103", "安全生产事故", "工厂或工地出了事故", D, "yingji", "zhujian", 1, 3, False, True, X, "事故 安全生产 伤亡 坍塌 爆炸"),
    ("1104", "路面塌陷", "路面塌了一个坑", D, "zhujian", "jiaotong yingji", 1, 2, False, True, X, "塌陷 路面塌 地陷 坑洞"),
    ("1105", "公共卫生事件", "很多人身体不舒服", D, "weijian", "yingji", 1, 3, False, True, X, "中毒 传染病 疫情 集体 发热 腹泻"),
    ("1106", "群体性事件", "很多人聚集", D, "gongan", "yingji", 1, 1, False, False, X, "聚集 群体 围堵 冲突"),

    ("12", "养老关怀", "老人需要关心帮助", C, "minzheng", "weijian", 4, 3, True, True, N, "老人 养老"),
    ("1201", "独居老人异常", "独居老人好几天没出门", G, "minzheng", "weijian gongan", 2, 1, True, True, U, "独居 老人 空巢 没出门 失联 孤寡"),
    ("1202", "居家养老服务需求", "老人需要助餐或上门照护", C, "minzheng", "weijian", 12, 5, True, True, N, "助餐 照护 居家养老 上门 护理 助浴"),
    ("1203", "高龄津贴咨询", "高龄补贴怎么领", C, "minzheng", "", 24, 5, True, False, N, "高龄 补贴 津贴 养老金 领取"),
    ("1204", "养老机构服务问题", "养老院服务有问题", D, "minzheng", "weijian shichang", 24, 10, False, True, N, "养老院 养老机构 虐待 收费 服务"),
    ("1205", "适老化改造需求", "家里需要装扶手", C, "minzheng", "zhujian", 24, 10, True, True, N, "适老化 扶手 改造 防滑 无障碍"),

    ("13", "矛盾纠纷", "邻里和家庭矛盾", C, "gongan", "minzheng", 4, 5, True, True, N, "纠纷 矛盾 调解"),
    ("1301", "邻里纠纷", "和邻居闹矛盾", G, "gongan", "minzheng", 4, 3, True, True, N, "邻居 邻里 吵架 漏水 噪音 矛盾"),
    ("1302", "家庭纠纷", "家里闹矛盾", G, "minzheng", "gongan", 4, 3, True, True, N, "家庭 婚姻 赡养 吵架 分家"),
    ("1303", "矛盾苗头排查", "发现可能闹大的矛盾", G, "gongan", "minzheng", 4, 2, True, True, N, "苗头 排查 隐患 情绪 激动"),
    ("1304", "重大矛盾纠纷", "很多人一起的纠纷", S, "gongan", "minzheng zhujian", 2, 10, False, True, U, "群体 纠纷 多人 讨薪 拆迁 征地"),

    ("14", "物业管理", "小区物业问题", C, "zhujian", "", 12, 5, False, True, N, "物业 小区"),
    ("1401", "物业服务不到位", "物业不管事", C, "zhujian", "", 12, 5, True, True, N, "物业 不作为 服务差 保洁 保安"),
    ("1402", "电梯故障", "电梯坏了或者困人", D, "shichang", "zhujian xiaofang", 1, 2, False, True, U, "电梯 困人 故障 停运 关人"),
    ("1403", "二次供水问题", "小区水质差或者停水", D, "shuiwu", "weijian zhujian", 4, 3, False, True, N, "水质 二次供水 水箱 黄水 停水"),
    ("1404", "违规装修", "邻居装修拆墙", S, "zhujian", "chengguan", 4, 5, False, True, N, "装修 拆墙 承重墙 改造 违规"),
    ("1405", "小区公共设施损坏", "小区门禁路灯坏了", C, "zhujian", "", 12, 5, True, True, N, "门禁 小区 单元门 路灯 监控 设施"),
    ("1406", "物业纠纷", "业主和物业闹矛盾", C, "zhujian", "minzheng", 12, 7, True, True, N, "业主 物业 纠纷 物业费 业委会"),

    ("15", "民生服务", "生活上需要帮助", C, "minzheng", "", 24, 5, True, False, N, "民生 帮助 救助"),
    ("1501", "困难群众救助", "家里困难需要帮助", C, "minzheng", "", 24, 5, True, True, N, "低保 困难 救助 特困 临时救助"),
    ("1502", "残疾人帮扶", "残疾人需要帮助", C, "minzheng", "weijian", 24, 5, True, True, N, "残疾人 残疾 轮椅 帮扶"),
    ("1503", "流浪乞讨救助", "路边有流浪人员", C, "minzheng", "gongan weijian", 2, 1, True, True, U, "流浪 乞讨 无家可归 救助"),
    ("1504", "医疗卫生服务", "看病或打疫苗有问题", D, "weijian", "", 24, 7, False, False, N, "看病 医院 卫生院 疫苗 医疗"),
    ("1505", "证明办理咨询", "办证明或社保怎么办", C, "minzheng", "", 24, 3, True, False, N, "证明 办证 社保 咨询 手续 办理"),
    ("1506", "困境儿童关爱", "孩子没人照看", C, "minzheng", "", 12, 5, True, True, N, "儿童 留守 困境儿童 照看"),

    ("16", "市场监管", "食品和市场问题", D, "shichang", "", 12, 7, False, True, N, "市场 商家"),
    ("1601", "食品安全", "买到过期变质的食品", D, "shichang", "weijian", 4, 5, False, True, U, "食品 过期 变质 食物中毒 卫生 餐馆"),
    ("1602", "无证无照经营", "店铺没有执照", D, "shichang", "chengguan", 24, 10, False, True, N, "无照 无证 执照 营业执照 黑作坊"),
    ("1603", "价格违法", "乱涨价乱收费", D, "shichang", "", 24, 10, False, True, N, "涨价 收费 价格 明码标价 宰客"),
    ("1604", "计量作弊", "买东西缺斤短两", D, "shichang", "", 24, 7, False, False, N, "缺斤短两 秤 计量 短斤少两"),
    ("1605", "消费纠纷", "买东西被坑了", D, "shichang", "", 24, 7, False, True, N, "消费 退款 退货 欺诈 投诉 商家"),
]
