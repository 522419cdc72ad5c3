"""The category classifier and intake of free text.

The classifier is trained and evaluated on a labelled file the test writes: a few hundred
plausible complaints across eight categories of the standard catalogue, generated from templates
with varied places, objects, times and pleas, some with an aside about another problem, some bare
titles, and 3% wrong labels (as a real export has). Then: the stored version is what suggestions
use, training from closed cases and corrections, the self-routing threshold above and below, and
the dispatcher's correction kept as training data.
"""
import csv
import json
import random
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from gridgov.accounts.models import ApiToken
from gridgov.cases.models import Case, Status, TimelineEntry
from gridgov.cases.services import deadlines, filing, lifecycle
from gridgov.catalogue.models import Category
from gridgov.core.errors import InvalidTransition
from gridgov.intake import classify, learn
from gridgov.intake.models import ClassifierModel, IntakeSettings, Suggestion, TrainingExample
from gridgov.intake.services import file_report, recategorise
from gridgov.intake.text import normalise, text_of
from gridgov.notifications.models import Notification

from .cases_world import IN_A1_1

# -- the labelled file ------------------------------------------------------------------------
OPENERS = ["", "", "你好，", "您好，", "反映一个问题：", "投诉：", "我是附近的居民，", "12345转办：", "急！"]
PLACES = ["小区门口", "菜市场旁边", "3栋楼下", "幼儿园对面", "公交站旁", "十字路口", "河边步道", "学校后门", "超市门口",
          "停车场", "滨河路边", "青江路上", "华严路口", "老街", "体育馆外", "医院门口", "小区南门", "人民路", "滨江公园",
          "农贸市场", "单元门口", "桥下", "广场东侧", "地铁口", "商业街", "二环路辅道", "家门口", "后街"]
TIMES = ["", "", "已经好几天了，", "昨晚开始", "每天早上", "最近一周", "周末", "从上个月起", "今天早上", "这两天", "天天"]
PLEAS = ["", "", "希望尽快处理。", "请相关部门管一管。", "麻烦派人来看看。", "影响居民生活。", "多次反映没人管。", "谢谢！",
         "请尽快解决。", "居民意见很大。"]
# Category code (standard catalogue) → ways residents put the problem; {slots} vary below.
CORES = {
    "010101": ["路边一堆{x}没人收拾", "有人乱扔{x}", "{x}扔得到处都是", "绿化带里全是{x}", "地上都是{x}", "{x}堆在路边好几天",
               "有人把{x}倒在空地上", "{x}散落一地没人清扫"],
    "010103": ["{b}满了", "{b}溢出来了", "{b}周围全是垃圾", "{b}好几天没清运", "{b}臭气熏天", "{b}塞满了盖子都关不上",
               "{b}装不下，垃圾掉了一地"],
    "0201": ["{w}上贴满了{ad}", "有人在{w}上喷{ad}", "{w}被贴了很多{ad}", "到处是{ad}", "{ad}贴得{w}上都是", "有人半夜在{w}刷{ad}"],
    "0305": ["有人在楼顶加盖{s}", "{who}私搭乱建{s}", "{who}违章搭建{s}", "{who}在公共区域搭{s}", "{who}把阳台往外扩建",
             "{who}正在施工搭建{s}", "{who}圈占绿地建{s}"],
    "0401": ["{v}占道经营", "{v}摆摊占了人行道", "{v}把摊子摆到马路中间", "{v}占道，行人只能走机动车道", "{v}每天在这里摆摊",
             "{v}占了半条路"],
    "050201": ["{l}不亮了", "{l}坏了好久", "{l}一闪一闪的", "{l}晚上没开", "{l}灯泡烧了", "{l}一到晚上就黑", "这段路{l}全灭了"],
    "0301": ["{site}{n}施工", "{site}{n}打桩", "{site}{n}还在作业，噪音很大", "{site}的机器{n}轰鸣", "{site}{n}进出渣土车很吵",
             "{site}{n}施工吵得睡不着"],
    "1301": ["{nb}{issue}", "和{nb}因为{issue2}吵起来了", "{nb}{issue}，沟通没用", "{nb}{issue}，需要社区调解",
             "跟{nb}协商{issue2}的事不成"],
}
SLOTS = {
    "x": ["垃圾", "生活垃圾", "垃圾袋", "塑料瓶", "外卖盒", "烂菜叶", "废纸", "烟头", "剩饭剩菜", "旧衣服"],
    "b": ["垃圾桶", "垃圾箱", "分类垃圾桶", "果皮箱", "垃圾房", "小区垃圾站"],
    "w": ["电线杆", "墙", "单元门", "楼道墙壁", "公交站牌", "路灯杆", "配电箱", "地面"],
    "ad": ["小广告", "办证广告", "开锁电话", "贷款传单", "疏通下水道的广告", "牛皮癣", "招租广告"],
    "s": ["彩钢棚", "一层房子", "铁皮房", "围墙", "车棚", "阳光房", "板房"],
    "who": ["有住户", "一楼业主", "有人", "商铺老板", "隔壁那户", "顶楼住户"],
    "v": ["好多摊贩", "卖水果的小摊", "烧烤摊", "卖菜的", "早餐摊", "流动摊点", "夜市摊位", "三轮车小贩"],
    "l": ["路灯", "路灯", "照明灯", "路边的灯", "小区里的路灯", "桥上的灯"],
    "site": ["工地", "建筑工地", "施工队", "修路的工地", "旁边楼盘", "地铁工地"],
    "n": ["半夜", "晚上十一点后", "凌晨", "中午午休时", "周末一大早", "深夜", "晚上"],
    "nb": ["楼上邻居", "隔壁住户", "对门邻居", "楼下那家", "同单元的邻居"],
    "issue": ["家里漏水到我家", "天天半夜很吵", "占用公共楼道放东西", "养狗乱叫还不清理", "装修把我家墙弄裂了", "在门口堆杂物",
              "空调外机对着我家窗户"],
    "issue2": ["漏水", "噪音", "占楼道", "停车位", "装修", "养狗"],
}
ASIDES = ["，旁边垃圾桶也满了", "，路灯也不亮", "，还有人在摆摊", "，墙上也贴了小广告", "，晚上还很吵", "，地上还有垃圾",
          "，附近工地也在施工"]
PER_LABEL, NOISE, SEED = 30, 0.03, 7


def _fill(rng, pattern: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(SLOTS[m.group(1)]), pattern)


def complaints(per_label=PER_LABEL, noise=NOISE, seed=SEED) -> list[tuple[str, str]]:
    """(text, category code) rows, shuffled; ``noise`` of them carry a random label."""
    rng = random.Random(seed)
    codes = list(CORES)
    rows = []
    for code in codes:
        for _ in range(per_label):
            core = _fill(rng, rng.choice(CORES[code]))
            aside = rng.choice(ASIDES) if rng.random() < 0.25 else ""
            if rng.random() < 0.15:
                text = core  # a bare title
            else:
                plea = rng.choice(PLEAS)
                text = f"{rng.choice(OPENERS)}{rng.choice(PLACES)}{rng.choice(TIMES)}{core}{aside}" + (
                    f"，{plea}" if plea else "")
            rows.append((text, rng.choice(codes) if rng.random() < noise else code))
    rng.shuffle(rows)
    return rows


def write_csv(path, rows):
    """A hotline-style export: Chinese headers, UTF-8 with a BOM (as Excel writes it)."""
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["编号", "诉求内容", "事项编码"])
        writer.writerows((n, text, code) for n, (text, code) in enumerate(rows, start=1))
    return path


@pytest.fixture
def labelled(tmp_path):
    return write_csv(tmp_path / "complaints.csv", complaints())


FIGURES = re.compile(r"^(baseline|gridgov model) \(.+\): accuracy (\d\.\d{3}), macro-F1 (\d\.\d{3})$")

_trained: dict = {}


@pytest.fixture
def trained(db, tmp_path):
    """The gridgov model trained on the generated file, stored as the active version. The fit is
    done once per test run and its bytes stored again in each test's database."""
    if "model" not in _trained:
        rows = complaints()
        model = learn.train([t for t, _ in rows], [c for _, c in rows], source="csv:generated", folds=0)
        _trained["model"] = {f.name: getattr(model, f.name) for f in ClassifierModel._meta.fields if f.name != "id"}
        _trained["model"]["blob"] = bytes(_trained["model"]["blob"])
        ClassifierModel.objects.filter(pk=model.pk).delete()
    return ClassifierModel.objects.create(**_trained["model"])


def category(code):
    return Category.objects.get(code=code)


# -- evaluate and train ----------------------------------------------------------------------
def test_evaluate_prints_the_baseline_and_the_gridgov_figures(db, labelled, capsys):
    call_command("classifier", "evaluate", "--csv", str(labelled), "--text-column", "诉求内容",
                 "--label-column", "事项编码", "--folds", "5")
    out = capsys.readouterr().out
    print(out)  # the figures, for the record (pytest -s)
    assert "stratified 5-fold cross-validation on 240 samples, 8 labels" in out
    figures = {m.group(1): (float(m.group(2)), float(m.group(3)))
               for m in map(FIGURES.match, out.splitlines()) if m}
    assert set(figures) == {"baseline", "gridgov model"}
    assert all(0 <= value <= 1 for pair in figures.values() for value in pair)
    assert figures["baseline"][1] > 0.8 and figures["gridgov model"][1] > 0.8  # chance is 0.125
    # Honestly: on this file the gridgov model is two texts of 240 ahead of the baseline
    # (macro-F1 0.937 against 0.927). Templated text is easy for character n-grams and both sit
    # near the ceiling the 3% wrong labels leave; the model was tuned on real complaints, where it
    # leads by far more (docs/intake.md). What is asserted here is that it stays level with the
    # baseline on this easy file: within 0.02 (five texts).
    assert abs(figures["gridgov model"][1] - figures["baseline"][1]) <= 0.02
    assert abs(figures["gridgov model"][0] - figures["baseline"][0]) <= 0.02


# Hand-written rows in the shape of a 问政 export (title, details, first-level label). They only
# exercise the mechanics: the real messages the figures in docs/intake.md come from are not
# shipped (their licence is unclear).
HOTLINE = {
    "城乡建设": [("小区停水三天", "物业说是管道维修，一直没人来修"), ("楼盘交房两年办不了房产证", "开发商一直拖着"),
             ("老旧小区改造进度太慢", "楼道墙皮脱落"), ("路灯不亮", "晚上出行不安全"),
             ("违章建筑没人拆", "一楼住户占了公共绿地"), ("公租房申请条件", "外地户口能不能申请")],
    "劳动和社会保障": [("公司拖欠工资半年", "老板说没钱，劳动监察不管"), ("社保卡补办太慢", "跑了三次还没办好"),
                 ("失业保险金怎么领", "需要带哪些材料"), ("工伤认定不予受理", "上班途中摔伤"),
                 ("养老保险断缴能不能补", "在外地交了五年"), ("不签劳动合同", "公司说试用期不用签")],
    "教育文体": [("学校乱收资料费", "每学期收两百元"), ("孩子转学没有学位", "跑了教育局也没结果"),
             ("幼儿园收费太高", "普惠园也收一千多"), ("体育馆不对市民开放", "新修的场馆一直锁着"),
             ("代课教师工龄怎么算", "教了十几年书"), ("培训机构退费难", "合同写着三十天退款")],
}


def write_hotline(path, rows=HOTLINE):
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["留言编号", "留言主题", "留言详情", "一级标签"])
        n = 0
        for label, messages in rows.items():
            for title, details in messages:
                n += 1
                writer.writerow((n, title, details, label))
    return path


def test_evaluate_reads_title_and_details_and_prints_both_models(db, tmp_path, capsys):
    path = write_hotline(tmp_path / "wenzheng.csv")
    call_command("classifier", "evaluate", "--csv", str(path), "--text-column", "留言主题", "--text-column", "留言详情",
                 "--label-column", "一级标签", "--folds", "3")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "stratified 3-fold cross-validation on 18 samples, 3 labels"
    figures = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in map(FIGURES.match, lines) if m}
    assert set(figures) == {"baseline", "gridgov model"}
    assert all(0 <= value <= 1 for pair in figures.values() for value in pair)


def test_the_model_gives_the_title_its_own_block_and_drops_rare_and_unrelated_ngrams():
    texts = [text_of(title, details) for messages in HOTLINE.values() for title, details in messages]
    labels = [label for label, messages in HOTLINE.items() for _ in messages]
    pipeline = learn.model_pipeline().fit(texts, labels)
    union = pipeline.named_steps["features"]
    chars = union.transformer_list[0][1].vocabulary_
    title = union.transformer_list[1][1].vocabulary_
    assert union.transformer_weights["title"] == learn.TITLE_WEIGHT
    # The title block sees first lines only, as 1-2-grams: 跑 is in two messages' details and in
    # no title; 太慢 ends two titles.
    assert "跑" in chars and "跑" not in title
    assert "太慢" in title and max(map(len, title)) == 2
    # An n-gram found in a single text is no feature (min_df): 拖 is in two texts, 拖欠 in one.
    assert "拖" in chars and "拖欠" not in chars
    assert all(sum(gram in normalise(t) for t in texts) >= learn.MIN_DF for gram in chars)
    # The SVM sees the chi-squared best KEEP_PERCENT of the features.
    n_features = len(chars) + len(title)
    kept = pipeline.named_steps["select"].get_support().sum()
    assert kept == pytest.approx(n_features * learn.KEEP_PERCENT / 100, abs=1)
    assert pipeline.predict([text_of("学校乱收资料费")])[0] == "教育文体"
    assert pipeline.predict_proba([text_of("社保卡补办太慢")]).shape == (1, 3)


def test_train_from_a_file_stores_an_active_version_that_suggestions_use(db, labelled, capsys):
    assert classify.suggest("小区门口的路灯不亮了").model_version is None
    call_command("classifier", "train", "--csv", str(labelled), "--text-column", "诉求内容", "--label-column", "事项编码",
                 "--folds", "0")
    assert "version 1 trained on 240 samples" in capsys.readouterr().out
    first = ClassifierModel.objects.get()
    assert first.active and first.version == 1 and first.n_samples == 240 and len(first.labels) == 8
    suggestions = classify.suggest("小区门口的路灯不亮了", "晚上黑漆漆的，老人不敢出门")
    assert suggestions.model_version == 1
    assert [g.category.code for g in suggestions.guesses][0] == "050201"
    assert len(suggestions.guesses) == 3
    assert suggestions.top.confidence > suggestions.guesses[1].confidence > 0

    call_command("classifier", "train", "--csv", str(labelled), "--text-column", "诉求内容", "--label-column", "事项编码",
                 "--folds", "0")
    assert list(ClassifierModel.objects.order_by("version").values_list("version", "active")) == [(1, False), (2, True)]
    assert classify.suggest("菜市场旁边卖菜的占道经营").model_version == 2  # the cache follows the active version
    call_command("classifier", "activate", "1")
    assert classify.suggest("菜市场旁边卖菜的占道经营").model_version == 1
    call_command("classifier", "list")
    assert re.search(r"^\* v1 .* csv:.*complaints.csv n=240", capsys.readouterr().out, re.M)


def test_train_keeps_cross_validated_figures_and_names_unmatched_labels(db, tmp_path, capsys):
    rows = complaints(per_label=12, noise=0)
    rows = [(text, "一个没有的类别" if code == "1301" else code) for text, code in rows]
    path = write_csv(tmp_path / "small.csv", rows)
    call_command("classifier", "train", "--csv", str(path), "--text-column", "诉求内容", "--label-column", "事项编码")
    out = capsys.readouterr().out
    assert "labels matching no category (learned, never suggested): 一个没有的类别" in out
    assert len([line for line in out.splitlines() if FIGURES.match(line)]) == 2
    model = ClassifierModel.objects.get()
    assert model.metrics["cross_validation"]["folds"] == 3 and "一个没有的类别" in model.labels
    assert all(g.category.code != "一个没有的类别" for g in classify.suggest("楼上邻居家里漏水到我家").guesses)


def test_labels_are_codes_or_unambiguous_names(world):
    found = classify.Catalogue.load().resolve(["050201", "路灯不亮", "井盖缺失", "暴露垃圾", "没有这个"])
    assert found["050201"].code == found["路灯不亮"].code == "050201"
    assert found["井盖缺失"].code == "050101"
    assert found["暴露垃圾"] is None  # the standard 010101 and the test's 9901 share the name
    assert found["没有这个"] is None


def test_reading_a_gb18030_file_with_two_text_columns(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("标题,内容,类别\n路灯坏了,晚上很黑,050201\n,,050201\n垃圾桶满了,,010103\n".encode("gb18030"))
    texts, labels = learn.read_labelled(str(path), ["标题", "内容"], "类别")
    assert texts == ["路灯坏了\n晚上很黑", "垃圾桶满了"] and labels == ["050201", "010103"]
    with pytest.raises(ValueError, match="没有"):
        learn.read_labelled(str(path), ["没有"], "类别")


def test_an_untrained_platform_suggests_from_the_catalogue_keywords(db):
    suggestions = classify.suggest("路灯不亮，晚上太黑")
    assert suggestions.model_version is None
    assert suggestions.top.category.code == "050201"
    assert 0.5 < suggestions.top.confidence < 0.85  # a keyword-only guess stays modest
    assert classify.suggest("今天天气不错").guesses == []


def _close_as_platform(case):
    """Closed cases for the trainer (how they were handled does not matter to it)."""
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)


def test_train_from_closed_cases_and_dispatchers_corrections(world, capsys):
    district, resident = world.units["district"], world.users["resident"]
    texts = {"050201": ["路灯不亮了", "小区路灯坏了好久", "路边的灯一闪一闪", "桥上的灯晚上没开", "这段路路灯全灭了",
                        "照明灯灯泡烧了"],
             "0401": ["卖菜的占道经营", "烧烤摊占了人行道", "早餐摊摆到马路中间", "流动摊点每天在这里摆摊", "小贩占了半条路",
                      "夜市摊位占道"]}
    for code, titles in texts.items():
        for title in titles:
            _close_as_platform(filing.report(district=district, channel="app", title=title, category=category(code),
                                             reporter=resident.person, reported_by=resident))
    wrong = filing.report(district=district, channel="app", title="楼上邻居家里漏水到我家", category=category("0401"),
                          reporter=resident.person, reported_by=resident)
    recategorise(world.users["district_dispatcher"], wrong, category("1301"), "是邻里纠纷")
    open_case = filing.report(district=district, channel="app", title="仍在办理的路灯", category=category("050201"))
    call_command("classifier", "train", "--folds", "0")
    assert "version 1 trained on 13 samples (cases), 3 classes" in capsys.readouterr().out
    model = ClassifierModel.objects.get()
    assert model.source == "cases" and sorted(model.labels) == ["0401", "050201", "1301"]
    # A corrected case that closes later counts once, under its corrected category.
    _close_as_platform(wrong)
    texts, labels = learn.platform_examples()
    assert len(texts) == 13 and labels.count("1301") == 1 and open_case.title not in texts
    assert classify.suggest("路灯又不亮了").top.category.code == "050201"


# -- intake: pre-fill and self-routing ---------------------------------------------------------
def free_text(world, title, description="", at=IN_A1_1, by="resident", **extra):
    user = world.users[by]
    return file_report(district=world.units["district"], channel="app", title=title, description=description,
                            lat=at[0] if at else None, lng=at[1] if at else None,
                            reporter=getattr(user, "person", None) if by == "resident" else None, reported_by=user,
                            **extra)


def threshold(world, value):
    IntakeSettings.objects.update_or_create(district=world.units["district"], defaults={"auto_route_threshold": value})


GARBAGE_BIN = ("3栋楼下的垃圾桶满了溢出来了", "好几天没清运，臭气熏天")


def test_a_sure_suggestion_routes_itself_through_the_small_loop(world, trained):
    threshold(world, 0.6)
    result = free_text(world, *GARBAGE_BIN)
    case = result.case
    assert result.suggestions.top.category.code == "010103" and result.suggestions.top.confidence >= 0.6
    assert result.auto_routed and case.category.code == "010103"  # on the grid matter list
    assert case.status == Status.DISPATCHED and case.small_loop and case.handler_user == world.users["grid_worker"]
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.auto_routed and suggestion.model_version == trained.version and not suggestion.chosen_by_reporter
    assert suggestion.confidence == result.suggestions.top.confidence and len(suggestion.alternatives) == 3
    entries = list(TimelineEntry.objects.filter(case=case).order_by("seq").values_list("action", flat=True))
    assert entries == ["report", "accept", "dispatch", "classify"]
    assert TimelineEntry.objects.get(case=case, action="classify").data["routed"] is True


def test_an_unsure_suggestion_waits_unrouted_in_the_street_queue(world, trained, django_capture_on_commit_callbacks):
    threshold(world, 0.99)
    with django_capture_on_commit_callbacks(execute=True):  # the inbox is written once the case commits
        result = free_text(world, *GARBAGE_BIN)
    case = result.case
    assert not result.auto_routed and case.category.code == "010103"  # pre-filled, for the dispatcher to check
    assert case.status == Status.REPORTED and not case.small_loop and case.handler_user is None
    assert case.queue == world.units["A"]  # the street, though the category is a grid matter
    assert Notification.objects.about(case).filter(user=world.users["street_dispatcher"], kind="queue").exists()
    assert not Notification.objects.about(case).filter(user=world.users["grid_worker"]).exists()
    assert not Suggestion.objects.get(case=case).auto_routed
    assert TimelineEntry.objects.get(case=case, action="classify").data["routed"] is False


def test_the_default_threshold_and_the_reporters_own_choice(world, trained):
    assert IntakeSettings.for_district(world.units["district"].code).auto_route_threshold == 0.85
    chosen = free_text(world, "有人乱扔垃圾", category=category("010101"))
    assert chosen.case.category.code == "010101" and chosen.case.status == Status.DISPATCHED
    suggestion = Suggestion.objects.get(case=chosen.case)
    assert suggestion.chosen_by_reporter and not suggestion.auto_routed and not chosen.auto_routed
    assert not TimelineEntry.objects.filter(case=chosen.case, action="classify").exists()


def test_without_any_suggestion_the_reporter_must_choose(world):
    with pytest.raises(ValidationError):
        free_text(world, "你好")  # no model, no keyword: nothing says what kind of problem it is
    assert not Case.objects.exists()


# -- the dispatcher's correction ----------------------------------------------------------------
def test_a_correction_changes_the_category_and_deadline_and_is_kept_for_training(world, trained):
    threshold(world, 0.99)
    case = free_text(world, *GARBAGE_BIN).case
    before = case.resolution_due
    with pytest.raises(PermissionDenied):
        recategorise(world.users["grid_worker"], case, category("0305"))
    with pytest.raises(PermissionDenied):
        recategorise(world.users["resident"], case, category("0305"))  # the reporter sees it, but is no dispatcher
    with pytest.raises(ValidationError):
        recategorise(world.users["street_dispatcher"], case, category("05"))  # not a leaf
    case = recategorise(world.users["street_dispatcher"], case, category("0305"), "楼顶加盖，属违法建设")
    case.refresh_from_db()
    assert case.category.code == "0305" and case.resolution_due > before
    assert case.resolution_due == deadlines.resolution_due(case)
    entry = TimelineEntry.objects.get(case=case, action="recategorise")
    assert entry.actor == world.users["street_dispatcher"] and entry.note == "楼顶加盖，属违法建设"
    assert entry.data["from"] == "010103" and entry.data["to"] == "0305"
    example = TrainingExample.objects.get()
    assert (example.category.code, example.previous_category.code, example.source, example.case) == (
        "0305", "010103", "correction", case)
    assert example.text == "\n".join(GARBAGE_BIN)
    assert example.text in learn.platform_examples()[0]


def test_a_case_being_handled_is_not_recategorised(world, trained):
    threshold(world, 0.6)
    case = free_text(world, *GARBAGE_BIN).case
    with pytest.raises(InvalidTransition):
        recategorise(world.users["community_staff"], case, category("010101"))
    case = lifecycle.return_case(world.users["grid_worker"], case, "不是垃圾桶的问题")  # 退单: back to the queue
    case = recategorise(world.users["community_staff"], case, category("010101"))
    assert case.category.code == "010101"


# -- the API --------------------------------------------------------------------------------------
@pytest.fixture
def api(world, client):
    def call(method, url, data=None, username="district_admin"):
        headers = {"Authorization": f"Bearer {ApiToken.issue(world.users[username])}"}
        if method == "post":
            return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)
        return client.get(url, data or {}, headers=headers)

    return call


def test_api_suggest_report_and_recategorise(world, trained, api):
    body = api("post", "/api/v1/intake/suggest", {"title": "路灯不亮", "description": "晚上太黑"}, "resident").json()
    assert body["model_version"] == trained.version and len(body["suggestions"]) == 3
    assert body["suggestions"][0]["category"] == "050201" and 0 < body["suggestions"][0]["confidence"] <= 1
    assert api("post", "/api/v1/intake/suggest", {"title": ""}, "resident").status_code == 422

    threshold(world, 0.99)
    response = api("post", "/api/v1/intake/reports", {"title": GARBAGE_BIN[0], "description": GARBAGE_BIN[1],
                                                      "lat": IN_A1_1[0], "lng": IN_A1_1[1]}, "resident")
    assert response.status_code == 201
    report = response.json()
    assert not report["auto_routed"] and report["case"]["status"] == "reported"
    assert report["case"]["queue"] == world.units["A"].code and report["case"]["category"] == "010103"
    code = report["case"]["code"]
    url = f"/api/v1/intake/cases/{code}/recategorise"
    assert api("post", url, {"category": "010101"}, "resident").status_code == 403
    assert api("post", url, {"category": "010101"}, "grid_worker2").status_code == 404  # another grid's case
    assert api("post", url, {"category": "9999"}, "street_dispatcher").status_code == 422
    fixed = api("post", url, {"category": "010101", "note": "暴露垃圾"}, "street_dispatcher")
    assert fixed.status_code == 200 and fixed.json()["category"] == "010101"
    assert Case.objects.get(code=code).category.code == "010101"


def test_api_report_routes_itself_above_the_threshold(world, trained, api):
    threshold(world, 0.6)
    report = api("post", "/api/v1/intake/reports", {"title": GARBAGE_BIN[0], "description": GARBAGE_BIN[1],
                                                    "lat": IN_A1_1[0], "lng": IN_A1_1[1]}, "resident").json()
    assert report["auto_routed"] and report["case"]["status"] == "dispatched"
    assert report["case"]["handler"] == "grid_worker"
    assert Case.objects.get(code=report["case"]["code"]).reporter == world.persons[0]


def test_settings_are_per_district_and_bounded(world):
    from django.core.exceptions import ValidationError as ModelError

    settings = IntakeSettings(district=world.units["district"], auto_route_threshold=1.5)
    with pytest.raises(ModelError):
        settings.full_clean()
    defaults = IntakeSettings.for_district("999999")
    assert defaults.pk is None and defaults.auto_route_threshold == 0.85 and defaults.duplicate_radius_m == 300
