# seg 的中文消息。每条消息都必须在 en.ftl 中有对应的一条，参数相同
# （tests/it/i18n.rs 检查）。如何新增：见 docs/architecture.md 的
# “Messages and languages”一节。

## 检查与运行的结果

totals = { $errors } 个错误，{ $warnings } 个警告
run-not-run = 未运行：{ $totals }
run-not-published = 未发布（--strict）：{ $n } 条预期未满足；之前的表保持不变
run-expectation-failed = { $level ->
        [error] 错误
       *[warning] 警告
    }：预期未满足：{ $expectation }（{ $at }）

## 运行摘要

summary-headline = 第 { $run } 次运行 · { $customers } · 截至 { $as_of } · 用时 { $seconds } 秒
summary-customer-count = { $count } 位客户
summary-customers = 客户数
summary-share = 占比
summary-tags = 标签
summary-no-label = （无类别）
summary-scores = 得分（各档的取值范围）
summary-dataset-values = 全体客户的统计值
summary-missing = 缺失
edge-at-least = ≥ { $value }
edge-at-most = ≤ { $value }
edge-equal = = { $value }
edge-between = { $low } 至 { $high }
summary-unmatched = 找不到客户的行（不计入任何客户）：{ $list }
summary-unmatched-source = `{ $source }` 的 { $rows } 行中有 { $unmatched } 行
summary-warning = 警告：{ $warning }
summary-header-only = 注意：{ $source }：0 行（{ $location } 只有表头）
summary-tables = { $db } 中的表：{ $tables }
summary-dry-run-of = 预演：
summary-dry-run-unchanged = 预演：未发布任何内容；{ $db } 保持不变（第 { $run } 次运行才会发布）
summary-dry-run-not-created = 预演：未发布任何内容；未创建 { $db }（第 { $run } 次运行才会发布）
summary-files = 文件：{ $files }
summary-centroids = { $segmentation } 的聚类中心（迭代 { $iterations } 次，惯性 { $inertia }）
summary-per-group-score = 得分 { $name }（{ $n } 个分组各自的分档边界见 seg_runs）
summary-per-group-value = { $name }（{ $n } 个分组各自的值见 seg_runs）
summary-no-changes = 自第 { $run } 次运行以来没有变化
summary-changes = 自第 { $run } 次运行以来的变化：{ $changes }
summary-changes-tags = 标签 { $tags }

## 诊断：消息，然后 .label（主位置）、.also（其他位置）、.help
## 术语：segmentation 分群，label 类别，tag 标签，metric 指标，score 得分，
## param 参数，source 数据源，rule 规则，percentile 分位数，bucket 档

## src/cli/test/case.rs

expectation-failed = 用例 `{ $name }` 的预期未满足

## src/cli/test/examples.rs

example-failed = 示例“{ $name }”没有得到预期的结果

## src/cli/why.rs

where-not-a-condition = --where 只能是一行里的一个条件
    .label = 不是一个条件
    .help = 请用规则自己的写法给出一个条件，例如 --where "tier = 'A' and frequency >= 2"
where-not-a-condition-2 = --where 没有给出条件

## src/lint/cover.rs

never-holds = { $what } 永远不会成立
    .label = 没有客户满足这个条件
    .help = { $names_of } 没有任何取值能同时满足 `{ $text }`；请检查数字和 `and`
never-holds-2 = `{ $name } { $label }` 永远不会匹配：它的条件永远不成立
    .label = 没有客户满足这个条件
    .help = { $names_of } 没有任何取值能满足它；请检查数字和 `and`
shadowed-rule = `{ $name } { $label }` 永远不会匹配：前面的规则已经覆盖了它
    .label = 永远轮不到
    .also = 覆盖了它
uncovered-values =
    .label = 有些客户不匹配其中任何一条规则

## src/lint/data.rs

empty-label = 没有客户属于 { $name } `{ $label }`：{ $of }
    .help = 在这份数据上这个类别是空的：可能是前面的规则拿走了它的客户，也可能是门槛够不着；`seg run` 会显示每个类别的占比
    .label = 没有客户属于这个类别
empty-tag = 没有客户带有标签 `{ $name }`：{ $of }
    .help = 在这份数据上这个条件从不成立；请检查它的门槛和它读取的数据
    .label = 没有客户带有这个标签

## src/lint/mod.rs

out-of-range = `{ $text }` 永远不会成立：`{ $name }` 的取值是 { $range }
    .label = 它没有任何取值满足这个条件

## src/lint/unused.rs

unused-param = 参数 `{ $name }` 没有被使用
    .label = 没有规则使用它
    .help = 在条件或指标中使用它，或者删除它（`--set { $name }=...` 不会改变任何结果）
unused-metric = 指标 `{ $name }` 没有被任何规则、得分、标签或指标使用
    .label = 只是 seg_customers 中的一列
    .help = 如果没人读这一列就删除它；有人读就保留

## src/semantic/aggregate.rs

misplaced = 聚合的 `where` 里不能再用聚合
    .label = 在另一个聚合里面
    .help = 如果需要按客户计算，先把它定义成一个指标
argument-count = `{ $text }` 需要一个数据源来聚合
    .label = 没有可聚合的内容
    .help = 例如 { $example }
wrong-argument = 时间窗口要写在被聚合的内容之后
    .label = 这里应先写数据源
    .help = 例如 count(orders, last 90 days)
wrong-argument-2 = `{ $text }` 聚合的是一个数据源或它的某一列
    .label = 不是数据源的列
    .help = 例如 { $example }；要对指标做运算，请写在外面：sum(orders.amount) / count(orders)
misplaced-2 = `{ $text }` 是客户数据源，每位客户一行
    .label = 没有可聚合的内容
    .help = 聚合读取的是明细数据源（用 `by` 声明）；客户列直接按名称使用
wrong-argument-3 = `{ $text }` 需要 `{ $source }` 的一列
    .label = 哪一列？
    .help = 例如 { $text }({ $source }.amount)
wrong-argument-4 = `{ $text }` 需要{ $need }，但 `{ $text2 }.{ $text3 }` 是{ $ty }
    .label = { $ty }
argument-count-2 = `{ $text }` 接受一个数据源和一个可选的时间窗口
    .label = 多了一个
    .help = 用 `where` 筛选，用 `last` 限定时间：{ $text }({ $what } where ..., last 90 days)
window-without-time = `{ $name }` 没有时间列，不能用时间窗口
    .label = 需要时间列
    .also = 声明时没有 `at`
    .help = 声明时间列：`source { $name } ... at <日期列>`
order-without-time = `{ $text }` 需要 `{ $name }` 每一行的时间，但它没有时间列
    .label = 哪一行是{ $which }？
    .also = 声明时没有 `at`
    .help = 声明时间列：`source { $name } ... at <日期列>`；要取最小或最大值请用 min(...) 或 max(...)

## src/semantic/catalogue.rs

duplicate-definition = `{ $name }` 被描述了两次
    .label = 又描述了一次
    .also = 第一次在这里描述
    .help = 把关于它的内容都写在一行 `describe` 里
unknown-category = `{ $text }` 不是标准分类
    .label = 是不是想写 `{ $close }`？
    .help = 分类可以随便写，但这个看起来像是标准分类拼错了
invalid-value = `{ $text }` 不是颜色
    .label = 不是颜色
unknown-subject = 没有规则定义 `{ $name }`
    .label = 没有可描述的对象

## src/semantic/clashes.rs

hidden-column = `{ $name }` 遮住了客户列 `{ $name }`
    .label = 现在单写 `{ $name }` 指的是这里
    .help = 用 `{ $name }.{ $name2 }` 访问那一列，或者给这个定义改名
output-name-clash = 分群 `{ $segmentation }` 会输出列 `{ $column }`，与客户主键同名
    .label = 它的起始日期列与主键冲突
    .help = 给这个分群改名
output-name-clash-2 = `{ $name }` 与{ $what }同名
    .label = 在输出表中冲突
    .help = 给这个定义改名
output-name-clash-3 = `{ $name }` 和 `{ $other }` 只有大小写不同
    .label = 这个名称
    .also = 和这个
    .help = 输出列的名称不区分大小写；请给其中一个改名
output-name-clash-4 = 数据源 `{ $name }` 和 `{ $name2 }` 只有大小写不同
    .label = 这个数据源
    .also = 和这个
    .help = SQL 比较名称时不区分大小写；请给其中一个改名

## src/semantic/declare.rs

duplicate-definition-2 = 截至日期设置了两次
    .label = 这里又设置了一次
    .also = 第一次在这里设置
    .help = 规则集里只保留一行 `as of`
duplicate-definition-3 = `{ $text }` 定义了两次
    .label = 这里又定义了一次
    .also = 第一次在这里定义，是{ $what }
    .help = 指标、得分、参数、数据源、分群和标签共用一套名称；请给其中一个改名
segmentation-split = `{ $text }` 的规则分散在多个文件里
    .label = 这个文件里的一条规则
    .also = 第一条规则在 { $other }
    .help = 分群规则的顺序很重要，请把它们都放在同一个文件里
duplicate-label = `{ $name }` 有两个类别都叫 `{ $text }`
    .label = 这里又出现一次
    .also = 第一次在这里
    .help = 用 `or` 把两个条件合并成一条规则
otherwise-not-last = `{ $name } { $text } otherwise` 不是 `{ $name }` 的最后一条规则
    .label = 总是匹配
    .also = 所以这条规则永远用不上
    .help = 把 `otherwise` 规则移到这个分群的最后
no-otherwise = `{ $name }` 没有 `otherwise` 规则
    .label = 不匹配任何规则的客户没有类别
    .help = 如果每位客户都应有类别，请在最后加一条 `{ $name } <类别> otherwise`
source-shape = 数据源 `{ $text }` 的 `{ $again }` 写了两次
    .label = 又写了一次
    .help = 数据源的每个子句只写一次
source-shape-2 = 数据源 `{ $text }` 同时有 `key` 和 `by`
    .label = 只能有其中一个
    .help = `key <列>` 表示客户数据源；`by <列>` 表示每位客户有多行的明细数据源
source-shape-3 = 数据源 `{ $text }` 既没有 `key` 也没有 `by`
    .label = 每一行属于哪位客户？
    .help = 如果 `{ $text }` 是客户数据源，加上 `key customer_id`；如果它每位客户有多行，加上 `by customer_id`
source-shape-4 = 数据源 `{ $text }` 会读取表 `{ $table }`，而以 seg_ 开头的表是 seg 自己的
    .label = 读取的是 seg 写入或使用的表
    .help = 在数据库里给这张表改名，或者用 `from "..."` 从文件读取数据
customer-source = 有两个客户数据源
    .label = 第二个带 `key` 的数据源
    .also = 客户数据源
    .help = 只有一个数据源列出客户（`key`）；其他的写 `by <客户列>`，查找表则写一个没有被任何明细数据源的 `by` 用到的 `key`
path-not-allowed = 数据源 `{ $name }` 读取 { $describe }，不在 seg 允许读取的文件夹内
    .label = 不在允许的文件夹中
declare = 数据源 `{ $name }` 读取失败，因此{ $what }
    .label = 读取 { $location }
source-shape-5 = 无法判断 `{ $path }` 的格式
    .label = 未知的文件类型
    .help = seg 可以读取 .csv、.tsv、.parquet、.json、.jsonl 和 .ndjson 文件（可以是 .gz 压缩的）；数据库中的表请写 `from table <名称>`
customer-source-2 = 没有客户数据源
    .help = 用 `source customers from "customers.csv" key customer_id` 声明客户
    .label = 这里没有带 `key` 的数据源
key-type-mismatch = `{ $name }.{ $by }` 存的是{ $by_type }，但客户主键存的是{ $key_type }
    .label = 无法与客户关联
    .also = 客户数据源
    .help = 明细数据源的客户列必须与主键的取值类型相同
unknown-param = --set { $name }：规则中没有参数 `{ $name }`
param-value = --set { $name }={ $raw }：`{ $name }` 的取值应为{ $ty }
    .label = 在这里声明为{ $ty }
unknown-source-override = --source { $name }：规则中没有声明数据源 `{ $name }`
time-column-type = { $what } `{ $text }` 存的是{ $ty }，不是日期
    .label = 不是日期或时间戳

## src/semantic/everyday.rs

wrong-argument-5 = `{ $text }` 比较的是数字、日期或文本
    .label = 真/假值
    .help = 真/假值没有大小之分；请用 `and` / `or`
argument-count-3 = `{ $text }` 需要两个或更多的值，而不是 { $len } 个
    .label = 给了 { $len } 个
    .help = 例如 { $text }(avg_spend, 0)
type-mismatch = `{ $text }` 的各个值必须是同一类型，但 `{ $text2 }` 是{ $ty }，而 `{ $text3 }` 是{ $ty2 }
    .label = { $ty }
    .also = { $ty }
    .help = 请给出同一类型的值，例如数字用 if_missing(avg_spend, 0)
wrong-argument-6 = `{ $text }` 需要{ $need }，但 `{ $text2 }` 是{ $ty }
    .label = { $ty }
type-mismatch-2 = `{ $words }` 检查的是文本，但 `{ $text }` 是{ $ty }
    .label = { $ty }
    .help = 文本请加引号：email ends with "@example.com"
pattern-not-fixed = `matches` 后面的模式必须是固定的文本
    .label = 每位客户都不一样
    .help = 把模式写在引号里（或用文本参数）：sku matches "AB-*"；要和另一个值比较，请用 `=`、`contains`、`starts with` 或 `ends with`
ignoring-case = `ignoring case` 应跟在文本比较之后，而不是 `{ $text }`
    .label = 不是文本比较
    .help = 把它写在 `=`、`!=`、`contains`、`starts with`、`ends with` 或 `matches` 之后：segment = "vip" ignoring case
misplaced-duration = 时间长度是加在日期上的，但 `{ $text }` 是{ $ty }
    .label = { $ty }
    .also = 一段时间长度
    .help = 例如 first_order + 30 days；天数请直接写数字
invalid-value-2 = 这个日期超出了日历范围
    .label = 太远了
    .help = 日期的范围是公元 1 年到 9999 年
misplaced-duration-2 = 时间长度只能加到日期上或从日期中减去
    .label = 一段时间长度
    .help = 例如 first_order + { $amount } { $unit }；判断日期是否在近期请用 `within { $amount } { $unit }`，数字请直接写

## src/semantic/examples.rs

kmeans-not-here = 规则集中有 kmeans 分群 `{ $name }`，无法计算示例
    .label = 单个假想客户没有聚类
    .also = 由一次运行的全部客户计算得出
    .help = 请改用测试用例（`tests/<用例>/`，附带数据和快照，见 docs/test.md）
duplicate-example = 有两个示例都叫“{ $text }”
    .label = 第二个
    .also = 第一个
    .help = 给每个示例起不同的名字：`seg test` 按名字报告结果
duplicate-example-2 = “{ $text }”给了两次 `{ $text2 }`
    .label = 又给了一次
    .also = 第一次给出
    .help = 只保留其中一个
not-givable = `tag { $text }` 给出的是手工标签，但规则没有读取手工标签
    .label = 手工标签
    .help = 手工标签来自 `tags from <数据源>.<列>`；规则生成的标签应写在 `expects` 之后，而不是作为给定值
given-type = `{ $written }` 是{ $ty }，但示例给的是{ $ty2 }
    .label = { $ty }
not-givable-2 = 示例不能给出 `{ $text }`
    .label = 不是示例可以给出的值
not-givable-3 =
    .label = 不能给出
unknown-in-example = 规则中没有名为 `{ $text }` 的指标、得分或客户列
    .label = 未知名称
unknown-in-example-2 = 规则中没有用到 `{ $text }`
    .label = 不是规则用到的值
unknown-expected-label = `{ $text }` 没有类别“{ $text2 }”
    .label = 没有这个类别
unknown-in-example-3 = 规则中没有定义{ $what } `{ $text }`
    .label = 没有这个{ $what }
missing-dataset-value = 示例“{ $name }”需要 `{ $name2 }`，但没有给出
    .label = 依赖于 `{ $name }`
    .also = 这个示例
    .help = 一个示例只代表一位客户，所以基于全体客户的值需要直接给出：在 `expects` 之前加上 `{ $name } = <值>`

## src/semantic/expect.rs

invalid-share = { $text }% 大于 { $text2 }%
    .label = 上下限写反了
    .help = 下限写在前面：between { $text }% and { $text2 }%
invalid-share-2 = { $text }% 不是客户的占比
    .label = 不在 0% 到 100% 之间
    .help = 占比从 0%（没有客户）到 100%（所有客户）
expectation-outside-table = 这条预期用到了{ $what }，而计算出的表中没有它
    .label = 不在计算出的表中
    .help = 预期是在一次运行计算出的指标、得分、类别和标签上检查的：请为它定义一个指标，然后使用该指标
not-givable-4 = `{ $text }` 是{ $what }，每位客户要么有要么没有，不会缺失
    .label = 不会缺失
    .help = `has` 需要指标、得分或分群；标签请写 `expect no customer where ... and not <标签>`
unknown-in-example-4 = 规则中没有定义名为 `{ $text }` 的指标、得分或分群
    .label = 未知名称

## src/semantic/functions.rs

wrong-argument-7 = `round` 的小数位数必须是整数
    .label = 不是整数
    .help = round(aov, 2) 保留两位小数；也可以用数字参数
misplaced-3 = `{ $name }` 只能用来定义得分
    .label = 只能用在 `score` 中
    .help = 先定义一个得分：`score r = { $text }`，然后在这里使用 `r`
unknown-function = 没有函数 `{ $name }`
    .label = 未知函数
wrong-argument-8 = `{ $text }` 需要{ $need }，但 `{ $text2 }` 是{ $ty }
    .label = { $ty }
argument-count-4 = `{ $text }` 接受 { $N } 个参数，而不是 { $len } 个
    .label = 给了 { $len } 个
misplaced-4 = `{ $text }` 不接受 `where` 或时间窗口
    .label = 只有聚合才能筛选行
    .help = 筛选和时间窗口写在聚合里面：count(orders where ..., last 90 days)

## src/semantic/group.rs

misplaced-group = `{ $what }` 不能按 `within { $text }` 分组计算
    .label = 分组跟在了不是分位数的东西后面
    .help = 只有得分和 `percentile(...)` 可以按分组计算：percentile({ $what }, 0.9) within { $text }
group-not-per-customer = `{ $text }` 对每位客户都一样，分不出组
    .label = 不是每位客户各自的值
    .help = 按客户列（`within region`）、指标或分群（`within tier`）分组
group-not-per-customer-2 = `{ $text }` 的取值无法用来分组
    .label = 列表、结构体或其他复合值
    .help = 请按文本、数字、日期或真/假列分组

## src/semantic/kmeans.rs

no-such-cluster = `{ $name }` 的聚类是 1 到 { $k }，没有聚类 { $n }
    .label = 没有这个聚类
    .help = 聚类按聚类中心的第一个输入从小到大编号为 1 到 { $k }（见运行摘要）
kmeans-input = `{ $text }` 作为输入出现了两次
    .label = 不能使用
    .help = 每个输入只写一次
kmeans-input-2 = `{ $text }` 是{ $ty }，不是数字
    .help = kmeans 按数字聚类：请给出 recency、frequency、monetary 这样的指标或得分
kmeans-input-3 = 无法分成 { $text } 个聚类
    .help = 聚类数应在 2 到 { $max } 之间
kmeans-input-4 = `{ $text }` 不是这个 kmeans 的输入
    .help = `log` 列出要先取 ln(1 + x) 的输入：{ $names }
kmeans-input-5 = 种子 { $text } 太大了
    .help = 请给出小于 18446744073709551616 的整数

## src/semantic/lookup.rs

lookup-outside-facts = `{ $text }` 是查找表 `{ $name }` 的列，要通过明细行来读取
    .label = 不是每位客户一个值
    .help = 在带有 `{ $key }` 列的明细数据源的聚合 `where` 中使用它：sum(orders.amount where { $name }.{ $text } = ...)
lookup-without-key = `{ $fact_name }` 没有 `{ $key }` 列，无法查找 `{ $name }`
    .label = `{ $name }` 以 `{ $key }` 为主键
    .also = 查找表
lookup-outside-facts-2 = `{ $name }` 是查找表，每个 `{ $key }` 一行，而不是每位客户多行
    .label = 查找表
    .help = 通过带有 `{ $key }` 列的明细数据源读取它的列：count(orders where { $name }.<列> = ...)

## src/semantic/manual.rs

misplaced-5 = 手工标签来自明细数据源
    .label = 客户数据源
    .help = 用 `by <客户列>` 声明标签表：source crm_tags from "crm_tags.csv" by customer_id
wrong-argument-9 = 标签名必须是文本
    .label = 不是文本
    .help = 这一列每行应有一个标签名
unknown-source = 没有数据源 `{ $text }`
    .label = 未知数据源
assumed-hand-tag = `{ $text }` 被当作 { $join } 的手工标签，但这些数据源无法读取
    .label = 假定为手工标签
    .help = 请在数据就位后再检查一次以确认
unknown-manual-tag = 没有规则生成标签 `{ $text }`，数据中也没有同名的手工标签
    .label = seg 不认识这个标签

## src/semantic/mod.rs

mod = 数据源 `{ $name }` 没有列 `{ $text }`
    .label = 不是 `{ $name }` 的列

## src/semantic/order.rs

cycle = `{ $value }` 用到了它自己
cycle-2 = 这些定义互相引用，形成了循环：{ $path }
    .label = 在这里定义
    .help = 一个定义不能依赖它自己；请用其他值计算其中一个

## src/semantic/percentile.rs

misplaced-6 = 聚合的 `where` 里不能用 `percentile`
    .label = 基于全体客户的值
misplaced-7 = `percentile` 不能嵌套在另一个 `percentile` 里
    .label = 嵌套了
    .help = 先把里面的值定义成指标
invalid-value-3 = `percentile` 的比例必须是 0 到 1 之间的数字
    .label = 不在 0 到 1 之间
    .help = percentile(monetary, 0.9) 是 90% 的客户不超过的值

## src/semantic/read_options.rs

read-option-value = `{ $words }` 写了两次
    .label = 又写了一次
    .also = 第一次在这里
    .help = 每个读取选项只写一次
    .help-2 = 按顺序写出各列的名称，需要时写上类型：`columns (customer_id text, ordered_at date, amount number)`
    .help-3 = 给出值之间的那一个分隔字符：`delimiter ";"`、`delimiter "|"`（.tsv 文件已经按制表符读取）
    .help-4 = 用 % 代码写格式：31/12/2024 写 `%d/%m/%Y`，20241231 写 `%Y%m%d`，日期加时间写 `%d.%m.%Y %H:%M`
unsupported-encoding = seg 无法读取编码为 `{ $written }` 的文本
    .label = seg 能读取的编码有 { $join }
    .help = 先把文件转换成 UTF-8，然后去掉这个选项：`iconv -f { $from } -t UTF-8 in.csv > out.csv`
read-option-value-2 = 列 `{ $text }` 写了两次
    .label = 又写了一次
    .also = 第一次在这里
    .help = 每列只写一次
    .help-2 = 在列名后面写上类型，如 `{ $text } text`；类型有 { $type_words }
    .help-3 = 类型有 { $type_words }；带前导零的编号请用 `text`
read-option-format = 读取选项只适用于 CSV 和 TSV 文件，而这个数据源读取的是 { $describe }
    .help = 去掉 `with ...` 选项，或者读取它们所描述的 CSV 文件
read-option-value-3 =
    .label = 不能使用

## src/semantic/resolve.rs

not-a-condition = `{ $text }` 是{ $ty }，不是条件
    .label = 不是真或假
    .help = 把它和某个值比较，例如 `monetary > 1000` 或 `region = "north"`
type-mismatch-3 = { $word } 需要{ $need }，但 `{ $text }` 是{ $ty }
    .label = { $ty }
wrong-argument-10 = `in` 后面的值必须是固定值
    .label = 每位客户都不一样
    .help = 列出数字、日期或带引号的文本（或参数），例如 region in ("north", "east")
type-mismatch-4 = `within` 需要日期，但 `{ $text }` 是{ $ty }
    .label = 不是日期
    .help = `within` 判断一个日期是否在近期，例如 `first_order within 30 days`
misplaced-8 = `{ $text }` 是数据源，不是值
    .label = 数据源
assumed-column = `{ $text }` 被当作 `{ $name }` 的列，但该数据源无法读取
    .label = 假定为客户列
wrong-argument-11 = 列 `{ $text }` 的取值无法在规则中使用
    .label = 列表、结构体或二进制列
    .help = 规则可以使用数字、文本、日期和真/假列
unknown-name = `{ $text }` 没有定义
    .label = 未知名称
misplaced-9 = 对 `{ $source_name }` 的聚合的 `where` 不能使用 `{ $text }`
    .label = 每位客户一个值，而不是每行一个
    .help = 聚合的 `where` 可以使用 `{ $source_name }` 的列和参数；{ $column_help }
misplaced-10 = 这里不能使用 `{ $text }`
    .label = 不是每位客户一个值
unknown-source-2 = 没有数据源 `{ $text }`
    .label = 未知数据源
type-mismatch-5 = `{ $symbol }` 连接的是条件，但 `{ $text }` 是{ $ty }
    .label = 不是条件
    .help = `and` / `or` 的两边都应是比较，例如 `monetary > 100`
type-mismatch-6 = `{ $symbol }` 需要数字，但 `{ $text }` 是{ $ty }
    .label = { $ty }
type-mismatch-7 = `{ $text }` 是{ $ty }，而 `{ $text2 }` 是{ $ty2 }
    .label = { $ty }
    .also = { $ty }
unknown-label = `{ $name }` 没有类别“{ $label }”
    .label = 没有这个类别

## src/semantic/score.rs

wrong-argument-12 = 得分必须是 `quintile(...)` 或 `ntile(...)`
    .label = 不是得分函数
invalid-value-4 = `ntile` 的第一个参数应是 2 到 1000 之间的档数
    .label = 档数
    .help = ntile(10, monetary) 按十分位打分；档数也可以用参数
wrong-argument-13 = 得分必须是 `quintile(...)` 或 `ntile(...)`
    .label = 不是得分函数
argument-count-5 = `{ $text }` 接受一个值和一个可选的方向
    .label = 给了 { $len } 个值
misplaced-11 = 得分的值不接受 `where` 或时间窗口
    .label = 这里
    .help = 只给部分客户打分，请把 `where` 写在得分后面：score f = quintile(frequency) where frequency > 0
invalid-value-5 = `{ $text }` 不是方向
    .label = 应为 higher_is_better 或 lower_is_better

## src/semantic/window.rs

invalid-value-6 = 时间窗口最多往前 { $MAX_YEARS } 年（从截至日期 { $as_of } 往前到 { $earliest }）
    .label = 太长了
    .help = 要统计截至日期之前的全部数据，请去掉时间窗口；否则最多写 { $MAX_YEARS } 年
empty-window = 这个窗口一天也不包含：它在 { $amount } { $unit_word }前开始，也在那时结束
    .label = 空窗口
    .help = 请给出两个不同的往前距离，例如 `90 to 30 days ago`；截至日期之前的最近几天请写 `last 30 days`

## src/source.rs

unreadable-rule-set =
    .help = 请给出一个包含 .seg 文件的文件夹（其中所有 .seg 文件构成一个规则集）或一个 .seg 文件，例如 `seg check rules`

## src/syntax/mod.rs

stray-indent = 这一行有缩进，但前面没有规则
    .label = 有缩进
    .help = 缩进的行是上一条规则的续行；规则请从行首开始写
syntax = { $message }；seg 最多读取 { $MAX_DEPTH } 层
    .label = 太深了
    .help = 把它拆成逐层依赖的指标，或者用 `in (...)` 列出取值
invalid-text = `{ $name }` 不是 UTF-8 文本
    .label = 从这里开始不是 UTF-8
    .help = 请在编辑器中把文件另存为 UTF-8

## src/syntax/parse.rs

invalid-literal = 这个天数太大了
    .label = 太大了
invalid-literal-2 = 这个数字太大了
    .label = 太大了
invalid-literal-3 = `{ $pair }` 不是日历上存在的日期
    .label = 没有这个日期
    .help = 日期按 年-月-日 书写，例如 2025-06-30
syntax-2 = `{ $word }` 不是规则的开头
    .label = 不是规则
    .help = 规则以 `source`、`as of`、`param`、`metric`、`score`、`tag`、`tags from`、`describe`、`example`、`expect` 或分群名加类别开头
syntax-3 = 这里应为 { $one_of }，实际是 { $found_words }
    .label = 应为 { $first }
syntax-4 = 这条规则太长或太复杂，seg 读不了
    .label = seg 放弃读取这条规则：{ $why }
    .help = 把它拆成逐层依赖的指标；成千上万个取值的列表应放在数据文件里（作为某个数据源的一列）

## seg explain

severity-error = 错误
severity-warning = 警告
explain-unknown-code = 没有诊断代码 `{ $query }`
explain-unknown-code-help = `seg explain` 会列出所有代码

## seg check, seg lint

check-checked = 已检查 { $path } 中的 { $n } 个文件：{ $totals }
lint-linted = 已分析 { $path } 中的 { $n } 个文件：{ $totals }
lint-cannot = 无法分析 { $path }：规则有错误（{ $totals }）

## seg report：报告页面（src/report/）与命令的输出（src/cli/report.rs）

report-title = 客户分群报告
report-headline = 第 { $run } 次运行 · { $customers } 位客户 · 截至 { $as_of }
report-section-segmentations = 分群
report-section-grid = R × F 网格
report-section-tags = 标签
report-section-distributions = 分布
report-section-history = 随时间的变化
report-section-catalogue = 类别与标签目录
report-sizes = 各类别的客户数
report-metric-per-label = 各类别的 { $metric }（合计）
report-no-grid = 这些规则中没有读取两个得分的分群，因此没有网格。
report-grid-axes = { $rows }（行，1 在最下面）× { $columns }（列），{ $segmentation } 的各个类别
report-average = { $metric } 的平均值
report-grid-help = 每个格子：客户数和该指标的平均值。轮廓线圈出各个类别，依据格子里客户所属的类别；空格子不属于任何类别。
report-tag-sizes = 各标签的客户数（按分类）
report-no-category = （无分类）
report-overlaps = 同时带有两个标签的客户（最大的几个标签）
report-no-tags = 没有客户带有标签。
report-no-distributions = 没有对指标排名的得分，因此没有可画的分布。
report-edges-help = 虚线：得分的分档边界；点线：分位数。
report-distribution = { $metric }（得分 { $score }）
report-sizes-per-run = 每次运行各类别的客户数
report-one-run = 只有一次运行写入了历史：要看变动需要两次运行。
report-movement = 从第 { $from } 次运行（截至 { $from_as_of }）到第 { $to } 次运行（截至 { $to_as_of }）的变动
report-transitions = 转移矩阵（行：之前，列：之后）
report-flows = 流向
report-column-kind = 种类
report-column-name = 名称
report-column-description = 描述
report-column-category = 分类
report-column-colour = 颜色
report-column-rule = 规则
report-column-defined-at = 定义位置
report-kind-label = 类别
report-kind-tag = 标签
report-size-tip = { $name }：{ $customers } 位客户（{ $share }%）
report-cell-tip = { $customers } 位客户
report-cell-tip-average = { $customers } 位客户，平均 { $average }
report-flow-tip = { $from } → { $to }：{ $customers } 位客户
report-run-name = 第 { $run } 次运行（{ $as_of }）
report-bin-tip = { $low } 至 { $high }：{ $customers } 位客户
report-value-tip = { $name }：{ $value }
report-run-tip = { $run }，{ $tip }
report-cell-at = { $rows } { $row }，{ $columns } { $column }：{ $tip }
report-needs-db = `seg report` 需要 `seg run` 写入的数据库
    .help = 请传入 --db <文件>，与运行时的 --db 相同
report-rules-have-errors = 未生成报告：规则有错误
report-unknown-metric = 规则中没有可按类别求和的数值指标 `{ $metric }`
report-no-metrics = 规则中没有定义数值指标；请去掉 --metric
report-metrics-help = --metric 可取：{ $metrics }
report-cannot-write = 无法写入报告 `{ $file }`：{ $error }
    .help = 请检查文件夹是否存在、是否可写
report-written = 报告：{ $file }（第 { $run } 次运行，截至 { $as_of }）
report-run-published = 这次运行已发布各表；只是报告没有写入

## seg why（src/cli/why.rs）；`when` 和 `otherwise` 是规则本身的写法，不翻译

why-needs-customer = `seg why` 需要一位客户，或者 --where 条件
    .help = seg why 42 rules --db seg.duckdb，或 seg why --where "tier = 'A'" rules --db seg.duckdb
why-customer-and-where = `seg why` 接受一位客户或 --where，不能两者都给（`{ $customer }`）
    .help = seg why --where 条件 [路径]
why-needs-db = `seg why` 解释的是一次运行发布的表：需要 --db
    .help = 请传入 --db <文件>，或用 --as-of 日期 重新计算规则
why-published = 第 { $run } 次运行发布的结果（截至 { $as_of }）
why-fresh = 截至 { $as_of } 重新计算（未写入任何内容）
why-no-customer = 没有客户满足这个条件
why-customer = 客户 { $key } = { $value }
why-no-label = （无类别：没有匹配的规则）
why-kmeans = （kmeans 分群：类别就是客户所在的聚类）
why-matched = ← 匹配
why-earlier-matched = （成立，但前面的规则已经匹配）
why-bucket = （第 { $bucket } 档：{ $low } 至 { $high }；各档 { $buckets }）
history-no-runs = 这个数据库还没有运行记录
    .help = `seg run 规则 --db 文件` 会运行规则并记录每次运行
why-no-run = 数据库中没有可解释的已发布运行
    .help = 请先执行 `seg run`，或用 --as-of 日期 重新计算规则
why-cannot-trace = 无法在已发布的表上追溯：{ $reason }
    .help = 请用 --as-of 日期 在该日期重新计算规则
why-unknown-customer = 已发布的 `{ $table }` 中没有客户 `{ $key }`
    .help = 客户按 `{ $column }` 识别，它是 `{ $source }` 的主键
    .help-2 = 客户按 `{ $column }` 识别，它是 `{ $source }` 的主键；最接近的有：{ $closest }
why-unknown-customer-2 = 截至 { $as_of }，`{ $source }` 中没有客户 `{ $key }`

## seg watch（src/cli/watch.rs、src/cli/watch/report.rs）

watch-first-run = 首次运行
watch-rules-and-data-changed = 规则和数据有变化
watch-rules-changed = 规则有变化
watch-data-changed = 数据有变化
watch-scheduled = 定时运行
watch-not-on-spark = `seg watch` 只能在 DuckDB 上运行
    .help = 请改为定时执行 `seg run --engine spark`（见 docs/spark.md）
watch-no-current-folder = 无法确定当前文件夹
watch-no-signals = 无法处理 Ctrl-C 和 SIGTERM：{ $error }
watch-cannot-watch = 无法监视文件：{ $error }
watch-watching = 正在监视 { $path } 及其读取的文件；按 Ctrl-C 停止
watch-stopped = 已停止
watch-warning = 警告：监视文件时出错：{ $error }
watch-rules-gone = 规则集 `{ $path }` 不见了；各表保持原样，等待它恢复
watch-interrupted = { $trigger }：未完成就停止了；{ $kept }
watch-failed = { $trigger }：未运行；{ $kept }
watch-not-run = { $trigger }：未运行：{ $why }；{ $kept }
watch-kept = 第 { $run } 次运行的表和文件保持不变
watch-waiting = 等待下一次变化
watch-next = 下一次定时运行：{ $at }
watch-headline = 第 { $run } 次运行 · { $why } · { $customers } 位客户 · { $timing }
watch-updated-after-save = 保存后 { $seconds } 秒表已更新
watch-seconds = 用时 { $seconds } 秒
watch-counts = { $name }：{ $counts }
watch-new = （新）{ $counts }
watch-moved = 变动：{ $moves }
watch-removed = { $name }：（已删除）
watch-tags = 标签：{ $tags }
watch-more = 另有 { $n } 位

## seg run 及共用其选项的命令（src/cli/run.rs、check.rs、replay.rs、output.rs）

run-without-spark = 这个 seg 构建时没有包含 Spark
    .help = 请用 `cargo build --features spark` 构建（见 docs/spark.md）；任何构建都可以用 `seg compile --dialect spark` 打印 SQL
run-needs-db = `{ $command }` 需要一个可写入的数据库
    .help = 请传入 --db <文件>，例如 --db seg.duckdb（不存在时会创建）
dry-run-not-here = `{ $command }` 每次运行都会发布：--dry-run 只用于 `seg run`
dry-run-no-out = --dry-run 不写入任何内容，所以不接受 --out
dry-run-one-date = --dry-run 预演一次运行：只接受一个 --as-of 日期，不接受日期范围
dry-run-refused-help = 去掉它再运行 `seg run --dry-run` 预演，然后再运行一次来发布
spark-needs-remote = `seg run --engine spark` 需要 Spark Connect 服务器
    .help = 请传入 --remote sc://host:15002（tests/spark/start.sh 会在 127.0.0.1 上启动一个）
spark-no-db = --db 是 DuckDB 的数据库；使用 --engine spark 时表写入 --schema
    .help = 去掉 --db，或者在 DuckDB 上运行
spark-no-allow-path = --allow-path 限制的是 DuckDB；Spark 按集群自己的权限读取
    .help = 使用 --engine spark 时去掉 --allow-path（以及 SEG_ALLOW_PATH）
spark-no-replay = 回放日期（--as-of 起..止）只能在 DuckDB 上运行
    .help = 请给出一个日期，例如 --as-of 2024-06-01
spark-place = { $remote }（schema { $schema }）
one-date = `seg { $command }` 只在一个日期上计算规则，不接受日期范围
    .help = 请给出一个日期，例如 --as-of 2024-06-01；`seg run --as-of 起..止 --step 1month` 可以在多个日期上运行
replay-no-out = --out 写出的是一次运行的表，不能用于日期范围
    .help = 先不带 --out 回放这个范围，然后对要导出的日期带 --out 再运行一次
replay-needs-step = --as-of { $from }..{ $to } 需要 --step：日期之间相隔多久
    .help = 加上 --step 1month（或 1day、1week、3months ...），例如 { $example }
replay-needs-range = --step 需要一个日期范围
    .help = 请给出 --as-of 起..止，例如 { $example }
replay-not-run = 截至 { $date } 未运行：{ $totals }
replay-stopped-first = 回放在第一个日期 { $date } 停止：没有发布任何内容
replay-stopped = 回放在 { $date } 停止：{ $what }
replay-rolled-back = 没有发布任何内容（之前的 { $n } 次运行在同一个事务中，一起回滚了）
replay-kept = 之前的 { $n } 次运行保持发布
replay-kept-and-rolled-back = 之前各批的 { $kept } 次运行保持发布；本批的 { $n } 次运行一起回滚了
replay-done = 回放了 { $dates } 个日期中的 { $done } 个，截至 { $first } 到 { $last }：第 { $first_run } 到第 { $last_run } 次运行，写入 { $db }，其中的表现在截至 { $last }
output-cannot-write = seg：无法写出输出：{ $error }
output-more = … 另有 { $n } 条（用 --format json 查看全部）

## 与规则无关的错误（src/engine/mod.rs 的 EngineError，由 src/cli/errors.rs 显示）

engine-open = 无法打开数据库 `{ $path }`：{ $message }
engine-locked = 数据库 `{ $path }` 正被另一个进程使用（已等待 { $waited } 秒）
    .help = DuckDB 同一时间只允许一个进程打开数据库文件；请等另一个 `seg run` 结束（或关闭另一个程序）后重试，或用 --wait 秒数 等待更久
engine-query = { $what } 失败：{ $message }
engine-out-of-memory = { $what } 内存不足：{ $message }
    .help = 用 --memory-limit 给运行更多内存（例如 --memory-limit 8GB），或用 --threads 1 减少线程（每个线程都有自己的缓冲区）
engine-duplicate-keys = `{ $source }` 的客户主键 `{ $key }` 不唯一：有 { $count } 个主键出现了不止一次（例如 { $examples }）
    .help = 每位客户在客户数据源中只能出现一次；请删除重复的行，或换一个 `key` 列
engine-duplicate-lookup-keys = 查找表 `{ $source }` 的主键 `{ $key }` 不唯一：{ $examples } 出现了不止一次
    .help = 查找表中每个主键只能出现一次，否则一条明细行会按副本数重复计算；请删除 `{ $source }` 中重复的行
engine-missing-keys = `{ $source }` 有 { $count } 行没有客户主键 `{ $key }`
    .help = 每位客户都需要主键；请补上或删除没有主键的行
engine-expectations-failed = 规则的预期中有 { $count } 条未满足；没有发布任何内容
    .help = 之前的表保持不变；不加 --strict 时，运行会发布并给出警告
engine-connect = 无法连接到 `{ $remote }` 上的 Spark Connect：{ $message }
    .help = 请启动 Spark Connect 服务器（tests/spark/start.sh 会在 127.0.0.1:15002 上启动一个），或传入集群地址 --remote sc://host:15002
engine-not-on-spark = Spark 上暂不支持 { $what }
    .help = 请在 DuckDB（默认引擎）上运行，或者去掉它；docs/spark.md 列出了 Spark 能运行的内容
engine-not-utf8 = `{ $file }` 不是 UTF-8 文本，seg 无法读取（可能是 GBK、GB18030 或 Latin-1 导出的文件）：请先用 `iconv -f GBK -t UTF-8 { $file } > { $converted }` 转换一次，再读取转换后的文件；如果它是 Latin-1 或 UTF-16，请声明 `with encoding "latin-1"`（或 "utf-16"）
    .help = seg 按 UTF-8 读取文本文件（声明 `encoding` 时也可读取 UTF-16 和 Latin-1）；`file -i <文件>` 可以查看文件的编码
engine-resources = DuckDB 不接受这个内存上限、线程数或临时文件夹：{ $message }
    .help = --memory-limit 接受 4GB 或 512MiB 这样的大小，--threads 接受线程数
engine-write = 无法写入 `{ $path }`：{ $message }
engine-allow-path = --allow-path `{ $path }`：{ $message }
    .help = --allow-path 指定一个已存在的文件夹，数据源可以从中读取
engine-sandbox = 无法锁定数据库的访问范围：{ $message }
engine-interrupted = 运行在完成前被停止：没有发布任何内容
    .help = 上一次运行的表保持不变

## 帮助行的组成部分

did-you-mean = 是不是想写 `{ $name }`？
did-you-mean-label = 是不是想写 "{ $label }"？
help-defined = 已定义：{ $names }
help-customer-columns = 客户列：{ $names }
help-hand-tags = 手工标签：{ $names }
help-fact-sources = 明细数据源有 { $names }
help-labels = `{ $name }` 的类别有 { $names }
help-columns = 列有 { $names }
help-functions = 函数有 { $names }
list-separator = 、
list-and = { $first } 和 { $last }
list-more = { $shown } 等，另有 { $rest } 个
list-none = 无

## 消息中对取值类型的称呼

type-number = 数字
type-text = 文本
type-date = 日期
type-bool = 真/假值
type-unsupported = seg 无法使用的值
type-unknown = 未知类型
