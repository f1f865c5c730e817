"""How each sample indicator behaves: level, trend, seasonality, the pandemic, targets, links.

One `Profile` per catalogue indicator, listed so that an indicator comes after any indicator
it takes a figure from (`links`, `minus`, `sum_of`). Levels are per area, Cambridgeshire
first; a count's level is per period of the indicator's frequency, a percentage's is in
points, a rate's is per 100,000 per year. The pandemic effect (`covid`) is a share of a
count lost, or points added to a percentage, fading from mid 2021 to the share in `persist`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AREAS = ("cambridgeshire", "peterborough")
CAMBS = ("cambridgeshire",)
DISTRICTS = ("Cambridge City", "East Cambridgeshire", "Fenland", "Huntingdonshire",
             "South Cambridgeshire")  # fmt: skip


@dataclass
class Profile:
    """The recipe for one indicator's sample series (see the module docstring)."""

    id: str
    kind: str  # count, stock, prop (percentage with numerator and denominator), pct, rate
    level: tuple
    den: tuple = (0, 0)  # prop: denominator per period; rate: population
    trend: float = 0.0  # per year: a share for counts and stocks, points for percentages
    den_trend: float = 0.0  # per year, a share
    season: float = 0.0  # amplitude: a share for counts, points for percentages
    peak: int = 1  # calendar month of the seasonal peak
    covid: float = 0.0
    persist: float = 0.0
    den_covid: float = 0.0
    sd: float = 0.0  # extra noise: a share for counts, points for percentages
    den_mode: str = "flow"  # flow (drawn per period), fy (fixed in a year), stock (smooth)
    ytd: bool = False  # rates: cumulative from April
    targets: dict | None = None  # area -> number, list of 7 (one per year) or "prev_year"
    first_target: tuple = (0, 0)  # for "prev_year": the 2016/17 target
    eng: tuple | None = None  # England mean: (2016/17 level, change per year)
    sn: tuple | None = None  # statistical neighbour mean in 2016/17, per area
    comp_covid: float | None = None  # pandemic effect on the comparators (default 0.3 x covid)
    comp: dict = field(default_factory=dict)  # year id -> {"eng", "sn": {area}, "period"}
    areas: tuple = AREAS
    joint: bool = False  # one figure for both councils, the same in each area
    breakdowns: dict = field(default_factory=dict)  # area -> [(name, share, offset, t_share)]
    parts: bool = False  # breakdown numerators are parts of the headline numerator
    links: dict = field(default_factory=dict)  # field -> (indicator_id, field)
    minus: tuple = ()  # value = linked value minus these indicators' values
    sum_of: tuple = ()  # value = the sum of these indicators' values (a total of its parts)
    gaps: dict = field(default_factory=dict)  # area -> {period spec: note}, value blank
    notes: dict = field(default_factory=dict)  # area -> {period spec: note}, value kept
    anchors: dict | None = None  # pct: area -> {period id: value}, straight lines between
    lo: float = 0.0
    hi: float = 100.0
    monotone: bool = False
    quarter_share: bool = False  # prop: level scaled by the share of the year elapsed
    min_value: int = 0


def both(cambs, pboro) -> dict:
    """Per-area targets."""
    return {"cambridgeshire": cambs, "peterborough": pboro}


def districts(shares, offsets, target_shares=None) -> list:
    """Cambridgeshire district breakdowns in `DISTRICTS` order."""
    target_shares = target_shares or shares
    return list(zip(DISTRICTS, shares, offsets, target_shares, strict=True))


PRE = "2016-17-Q1:2017-18-Q3"
DTOC_GAP = {"2020-21-Q1:2022-23-Q4": "not collected: the national collection stopped in March 2020"}
T3_UNFINISHED = "no data: the first patients (from January 2018) had not finished"
NO_TARGET_2020 = "no local target was set for 2020/21; the standing target is shown"
BASELINE_GAP = {"2016-17": "before the April 2017 baseline"}
CLINICS = [("Cambridge", 0.55, 1.08, 0.55), ("Huntingdon", 0.20, 0.87, 0.20),
           ("Ely", 0.12, 1.17, 0.12), ("Wisbech", 0.13, 1.12, 0.13)]  # fmt: skip
W = dict(kind="prop", den_mode="fy")  # primary care contracts: sent out once a year

# fmt: off
PROFILES = [
    # ------------------------------------------------------------ sexual health
    Profile("sh_sti_offered_2wd", "prop", (94, 86), (2400, 850), trend=-2.5, sd=3, den_trend=0.02,
            den_covid=0.4),
    Profile("sh_sti_seen_2wd", "prop", (88, 80), (2400, 850), trend=-2.5, sd=3, den_covid=0.4),
    Profile("sh_contraception_offered_2wd", "prop", (97, 72), (1500, 520), trend=-1.5, sd=3,
            den_covid=0.4),
    Profile("sh_chlamydia_treated_6wk", "prop", (96, 93), (90, 35), sd=1.5, den_covid=0.3),
    Profile("sh_larc_5wd", "prop", (62, 75), (650, 200), trend=3, sd=3, covid=-15, persist=0.2,
            den_covid=0.5),
    Profile("sh_outreach_deprived", "prop", (72, 75), (140, 50), trend=0.5, sd=4, den_covid=0.6),
    Profile("sh_activity", "count", (4850, 2160), trend=0.02, season=0.06, peak=10, covid=0.45,
            persist=0.05, sd=0.03,
            targets=both([56000, 58000, 58000, 60000, 60000, 60000, 60000], 22000),
            breakdowns={"cambridgeshire": CLINICS}),
    Profile("sh_contraception_attendances", "count", (1500, 600), season=0.05, covid=0.5,
            persist=0.1, sd=0.04, targets=both(20000, 7500)),
    Profile("sh_telephone_consultations", "count", (1150, 420), trend=0.08, covid=-0.5,
            persist=0.4, sd=0.05,
            targets=both([11000, 12000, 13000, 14000, 16000, 18000, 18000],
                         [4000, 4400, 4800, 5200, 6000, 6500, 6500])),
    Profile("sh_dna_rate", "prop", (12, 13.3), sd=1,
            links={"denominator": ("sh_activity", "value")}),
    Profile("sh_new_sti_rate", "rate", (620, 900), (650000, 200000), trend=0.02, den_trend=0.008,
            covid=0.3, persist=0.1, eng=(820, 10), sn=(700, 850)),
    # ------------------------------------------------------------ drugs and alcohol
    Profile("dalc_201", "prop", (20.2, 16), (2400, 1350), trend=0.2, sd=0.5, den_mode="stock",
            den_trend=0.02, covid=-1, persist=0.2),
    Profile("dalc_completions_opiate", "prop", (6.5, 7.5), (1100, 650), trend=-0.2, sd=0.5,
            den_mode="stock", eng=(6.5, -0.3), sn=(6.8, 6.6)),
    Profile("dalc_completions_non_opiate", "prop", (38, 33), (350, 200), sd=2, den_mode="stock",
            eng=(37, -1), sn=(38, 36)),
    Profile("dalc_completions_alcohol", "prop", (42, 40), (950, 500), sd=1.5, den_mode="stock",
            eng=(39.5, -0.5), sn=(41, 40)),
    Profile("dalc_in_treatment", "stock", (2400, 1350), trend=0.02, sd=0.01),
    Profile("dalc_waiting_3wk", "prop", (98.5, 97.5), (420, 240), sd=0.8),
    Profile("dalc_cj_pickup_42d", "prop", (60, 92), (30, 18), sd=5),
    Profile("dalc_yp_completions", "prop", (82, 86), (40, 22), sd=4, eng=(79, -0.5), sn=(80, 81)),
    Profile("dalc_cds_moveons", "pct", (45, 0), sd=12, areas=CAMBS),
    Profile("dalc_offender_housing_occupancy", "prop", (70, 0), (12, 0), trend=2, sd=8,
            den_mode="fy", areas=CAMBS),
    Profile("dalc_offender_hostel_moveons", "prop", (45, 0), (11, 0), sd=10, areas=CAMBS),
    # ------------------------------------------------------------ lifestyles
    Profile("ls_ht_referrals", "count", (650, 260), trend=0.02, covid=0.5, persist=0.1, sd=0.05,
            targets=both([600, 600, 620, 620, 620, 650, 689], [250, 250, 260, 260, 260, 270, 280])),
    Profile("ls_237", "prop", (31, 35), trend=0.5, sd=1.5,
            links={"denominator": ("ls_ht_referrals", "value")},
            gaps={"cambridgeshire": {"2020-21-Q1:2020-21-Q2":
                                     "not available: the service contract changed"}}),
    Profile("ls_ht_plans_produced", "count", (420, 180), covid=0.5, persist=0.1, sd=0.05,
            targets=both(1800, 750)),
    Profile("ls_ht_plans_completed", "prop", (66, 70), (300, 120), sd=3, den_covid=0.4),
    Profile("ls_falls_plans", "count", (60, 25), covid=0.7, persist=0.1, sd=0.08,
            targets=both(260, 110)),
    Profile("ls_wm_t2_completion", "prop", (55, 62), (180, 70), sd=4, den_covid=0.6),
    Profile("ls_wm_t2_weight_loss", "prop", (33, 35), (100, 45), sd=4, den_covid=0.6),
    Profile("ls_wm_t3_starts", "count", (75, 25), sd=0.1, covid=0.4, persist=0.1,
            targets=both(300, 100),
            gaps={"peterborough": {PRE: "no data: the service started in January 2018"}}),
    Profile("ls_wm_t3_weight_loss", "prop", (28, 25), (40, 12), sd=5,
            gaps={"peterborough": {"2016-17-Q1:2018-19-Q3": T3_UNFINISHED}}),
    Profile("ls_wm_child_completion", "prop", (55, 65), (25, 15), sd=6, den_covid=0.7),
    Profile("ls_physical_activity_completion", "prop", (62, 66), (120, 60), sd=4, den_covid=0.8),
    Profile("ls_outreach_health_checks", "count", (250, 90), trend=0.05, covid=0.95, persist=0.2,
            sd=0.1, targets=both([900, 1200, 1200, 1200, 1200, 1200, 1200], 350),
            breakdowns={"cambridgeshire": districts((0.17, 0.1, 0.4, 0.2, 0.13), (1, 1, 1, 1, 1),
                                                     (0.175, 0.1, 0.4167, 0.175, 0.1333))}),
    # ------------------------------------------------------------ stop smoking
    Profile("ss_56", "prop", (88, 90), (525, 180), trend=-1.5, sd=3, den_mode="fy",
            den_trend=-0.03, covid=-62, persist=0.95),
    Profile("ss_quitters_gp", "count", (55, 12), trend=-0.06, season=0.15, covid=0.9, persist=0.85,
            sd=0.1,
            targets=both([800, 760, 720, 700, 680, 660, 640], [170, 160, 150, 150, 140, 140, 140])),
    Profile("ss_quitters_pharmacy", "count", (8, 2), trend=-0.05, season=0.15, covid=0.9,
            persist=0.9, sd=0.15, targets=both([110, 88, 85, 80, 80, 75, 75], 30)),
    Profile("ss_quitters_lifestyle", "count", (85, 40), season=0.15, covid=0.35, persist=0.3,
            sd=0.08, targets=both([1150, 1150, 1150, 1120, 1100, 1080, 1060], 500)),
    Profile("ss_quitters_total", "count", (0, 0),
            sum_of=("ss_quitters_gp", "ss_quitters_pharmacy", "ss_quitters_lifestyle"),
            targets=both([2100, 2050, 2000, 1950, 1900, 1850, 1800],
                         [720, 700, 690, 680, 660, 650, 640])),
    Profile("ss_bcs_trajectory_pct", "pct", (92, 95), sd=5, covid=-35, persist=0.3),
    Profile("ss_quit_rate", "prop", (50, 55), (900, 320), sd=2, covid=4, persist=0.5,
            den_covid=0.6, eng=(51, -0.3), sn=(52, 53)),
    Profile("ss_core_service_practices", "stock", (14, 17), trend=0.08, sd=0.03, monotone=True),
    # ------------------------------------------------------------ NHS Health Checks
    Profile("hc_53", "count", (4700, 1400), trend=-0.01, covid=0.92, persist=0.25, sd=0.05,
            targets=both(20000, 5600),
            notes={a: {"2020-21": NO_TARGET_2020} for a in AREAS}),
    Profile("hc_conversion", "prop", (48, 52), trend=1, sd=3, eng=(46, -0.5), sn=(47, 48),
            links={"numerator": ("hc_53", "value")}),
    Profile("hc_invites", "count", (0, 0), links={"value": ("hc_conversion", "denominator")},
            targets=both(40000, 11000)),
    Profile("hc_pharmacy_completed", "count", (6, 0), sd=0.3, covid=0.9, persist=0.3, areas=CAMBS),
    Profile("hc_gp_completed", "count", (0, 0), links={"value": ("hc_53", "value")},
            minus=("ls_outreach_health_checks", "hc_pharmacy_completed"),
            targets=both(18500, 5200)),
    # ------------------------------------------------------------ contraception
    Profile("con_larc_implant_insertions", "count", (170, 55), trend=-0.02, covid=0.7, persist=0.3,
            sd=0.08, targets=both("prev_year", "prev_year"), first_target=(2050, 680)),
    Profile("con_larc_implant_removals", "count", (160, 50), trend=-0.02, covid=0.7, persist=0.3,
            sd=0.08, targets=both("prev_year", "prev_year"), first_target=(1950, 610)),
    Profile("con_larc_iucd_insertions", "count", (190, 60), trend=-0.01, covid=0.7, persist=0.3,
            sd=0.08, targets=both("prev_year", "prev_year"), first_target=(2250, 720)),
    Profile("con_larc_iucd_checks", "count", (150, 45), trend=-0.01, covid=0.7, persist=0.3,
            sd=0.08, targets=both("prev_year", "prev_year"), first_target=(1750, 540)),
    Profile("con_ehc_consultations", "count", (420, 110), trend=-0.02, covid=0.4, persist=0.1,
            sd=0.06),
    Profile("con_ehc_supplied", "count", (380, 100), trend=-0.02, covid=0.4, persist=0.1, sd=0.06),
    Profile("con_chlamydia_screens_gp", "count", (125, 40), trend=-0.04, covid=0.6, persist=0.3,
            sd=0.1, min_value=1,
            targets=both([2400, 2400, 1800, 1800, 1500, 1500, 1500],
                         [700, 700, 600, 600, 500, 500, 500])),
    Profile("con_chlamydia_positivity_gp", "prop", (8, 9.5), sd=1,
            links={"denominator": ("con_chlamydia_screens_gp", "value")}),
    Profile("con_chlamydia_screens_pharmacy", "count", (60, 20), trend=-0.03, covid=0.7,
            persist=0.3, sd=0.1),
    Profile("con_chlamydia_detection_rate", "rate", (1500, 2200), (78000, 24000), trend=-0.03,
            covid=0.3, persist=0.3, eng=(1900, -60), sn=(1700, 1900)),
    # ------------------------------------------------------------ healthy child
    Profile("hcp_57", "prop", (55, 47), (1750, 700), trend=0.2, sd=1.2, eng=(44, 0.9), sn=(55, 47),
            targets=both([54, 54, 55, 55, 55, 56, 56], [48, 48, 49, 49, 50, 50, 50]),
            comp={"2021-22": {"eng": 49.0},
                  "2022-23": {"eng": 49.0, "sn": {"cambridgeshire": 57.0}, "period": "2021/22"}},
            breakdowns={"cambridgeshire": districts((0.19, 0.13, 0.16, 0.28, 0.24),
                                                     (13, 1, -23, -3, 5))}),
    Profile("hcp_bf_coverage", "prop", (97, 96), (1750, 700), covid=-10, persist=0.4, sd=0.6),
    Profile("hcp_59", "prop", (91, 90), (1700, 680), covid=-52, persist=1.0, sd=1.5, eng=(88, 0),
            sn=(88, 87), comp_covid=-4,
            comp={"2021-22": {"eng": 83.0},
                  "2022-23": {"eng": 83.0, "sn": {"cambridgeshire": 87.0}, "period": "2021/22"}}),
    Profile("hcp_nbv_any", "prop", (98.5, 98), (1700, 680), covid=-3, persist=0.3, sd=0.5),
    Profile("hcp_60", "prop", (88, 90), (1700, 680), covid=-49, persist=1.0, sd=1.5,
            eng=(86, -0.5), sn=(85, 84), comp_covid=-4,
            comp={"2021-22": {"eng": 82.0},
                  "2022-23": {"eng": 82.0, "sn": {"cambridgeshire": 77.0}, "period": "2021/22"}}),
    Profile("hcp_68wk_any", "prop", (96, 96), (1700, 680), covid=-8, persist=0.8, sd=0.8),
    Profile("hcp_12m", "prop", (85, 88), (1750, 700), covid=-30, persist=0.7, sd=1.5, eng=(82, 0),
            sn=(84, 85), comp_covid=-5),
    Profile("hcp_62", "prop", (72, 80), (1800, 720), covid=-25, persist=0.7, sd=2.5, eng=(68, 1),
            comp_covid=-6,
            comp={"2017-18": {"eng": 68.0}, "2022-23": {"eng": 68.0, "period": "2017/18"}}),
    Profile("hcp_2yr_any", "prop", (90, 92), (1800, 720), covid=-6, persist=0.5, sd=0.8),
    # ------------------------------------------------------------ adult social care
    Profile("asc_230", "rate", (3800, 5200), (520000, 150000), trend=0.03, den_trend=0.008,
            covid=0.12, ytd=True, eng=(4350, 20), sn=(4400, 4900),
            comp={"2022-23": {"eng": 4450.5, "sn": {"cambridgeshire": 4477.9}}}),
    Profile("asc_231", "prop", (93, 91), trend=-0.6, sd=0.3, eng=(92.5, -0.1), sn=(92.8, 92),
            links={"denominator": ("asc_230", "numerator")},
            comp={"2022-23": {"eng": 91.8, "sn": {"cambridgeshire": 91.7}}}),
    Profile("asc_assessments", "count", (300, 110), trend=0.03, sd=0.05, covid=0.1),
    Profile("asc_140", "prop", (83, 80), (420, 130), sd=1.5, eng=(78, -0.2), sn=(80, 79),
            comp={"2022-23": {"eng": 77.6, "sn": {"cambridgeshire": 79.3}}}),
    Profile("asc_126", "prop", (23, 27), (7400, 2400), trend=-0.6, sd=0.3, den_mode="stock",
            den_trend=0.005, eng=(28.3, -0.3), sn=(28, 28),
            comp={"2022-23": {"eng": 26.7, "sn": {"cambridgeshire": 27.6}}}),
    Profile("asc_reviews", "prop", (25, 30), (5200, 1700), sd=1, covid=16, persist=-0.2,
            den_mode="stock", eng=(42, 0.5), sn=(40, 41),
            comp={"2022-23": {"eng": 45.0, "sn": {"cambridgeshire": 41.3}}}),
    Profile("asc_reviews_completed", "count", (330, 120), sd=0.05, covid=0.2),
    Profile("asc_233", "rate", (95, 700), (520000, 150000), den_trend=0.008, ytd=True,
            eng=(1500, -20), sn=(450, 800),
            comp={"2022-23": {"eng": 1398.3, "sn": {"cambridgeshire": 440.8}}}),
    Profile("asc_carers_assessments", "count", (100, 180), sd=0.08),
    Profile("asc_carers_reviews", "count", (25, 60), sd=0.15),
    Profile("asc_carers_conversations", "count", (850, 200), sd=0.06),
    Profile("asc_carers_conversation_steps", "count", (800, 150), sd=0.06),
    Profile("asc_234", "prop", (88.5, 86), (2250, 800), trend=0.25, sd=0.4, den_mode="stock",
            den_trend=0.0155, eng=(84.3, 0.05), sn=(83.5, 84),
            comp={"2022-23": {"eng": 84.7, "sn": {"cambridgeshire": 82.4}}}),
    Profile("asc_235", "prop", (61, 58), (4900, 1550), trend=0.2, sd=0.5, den_mode="stock",
            den_trend=0.006, covid=-1.5, persist=0.5, eng=(61.5, 0.1), sn=(59, 60),
            comp={"2022-23": {"eng": 62.4, "sn": {"cambridgeshire": 59.3}}}),
    Profile("asc_236", "prop", (80, 78), (420, 150), trend=0.8, sd=1.5, eng=(76, 0.5), sn=(78, 78),
            comp={"2022-23": {"eng": 79.7, "sn": {"cambridgeshire": 81.6}}}),
    Profile("asc_105", "prop", (93.5, 94), (330, 110), trend=0.15, sd=1, eng=(94.5, 0.15),
            sn=(96, 95), comp={"2022-23": {"eng": 95.4, "sn": {"cambridgeshire": 97.1}}}),
    Profile("asc_229", "prop", (89, 90), (360, 130), trend=0.3, sd=1, eng=(89.5, 0.3), sn=(90, 90),
            comp={"2022-23": {"eng": 91.2, "sn": {"cambridgeshire": 92.0}}}),
    Profile("asc_reablement_capacity_change", "pct", (0, 0), sd=0.4, joint=True, lo=0,
            anchors={a: {"2017-18-Q1": 0, "2018-19-Q4": 42, "2020-21-Q4": 55, "2022-23-Q4": 62}
                     for a in AREAS},
            gaps={a: BASELINE_GAP for a in AREAS}),
    Profile("asc_domcare_capacity_change", "pct", (0, 0), sd=0.4, joint=True, lo=0,
            anchors={a: {"2017-18-Q1": 0, "2018-19-Q4": 13, "2020-21-Q4": 20, "2022-23-Q4": 24}
                     for a in AREAS},
            gaps={a: BASELINE_GAP for a in AREAS}),
    Profile("asc_care_home_capacity_change", "pct", (0, 0), sd=0.2, lo=0,
            anchors={"cambridgeshire": {"2016-17-Q1": 3.5, "2018-19-Q1": 5.6, "2022-23-Q4": 7.5},
                     "peterborough": {"2016-17-Q1": 6, "2018-19-Q1": 11.2, "2022-23-Q4": 14}}),
    # ------------------------------------------------------------ better care fund
    Profile("bcf_nel_admissions", "count", (15200, 5300), trend=0.025, season=0.05, covid=0.25,
            sd=0.02,
            targets=both([56500, 57700, 57700, 60500, 62000, 63000, 64000],
                         [20000, 20500, 20800, 21500, 22000, 22500, 23000])),
    Profile("bcf_dtoc_days", "count", (8500, 1900), trend=0.05, season=0.1, sd=0.05,
            targets=both([14000, 15695, 15695, 15695, 15695, 15695, 15695], 4800),
            gaps={a: DTOC_GAP for a in AREAS}),
    Profile("bcf_dtoc_pct", "prop", (7.5, 4.5), sd=0.3,
            links={"numerator": ("bcf_dtoc_days", "value")}, gaps={a: DTOC_GAP for a in AREAS}),
    Profile("bcf_res_admissions_65", "rate", (430, 600), (125000, 31000), trend=-0.01,
            den_trend=0.02, covid=0.15, eng=(152, -2.5), sn=(135, 145),
            targets=both([600, 581, 581, 560, 560, 560, 560], [650, 640, 630, 620, 610, 600, 600])),
    Profile("bcf_reablement", "prop", (80, 84), (60, 25), sd=2.5, covid=-2, eng=(82.5, -0.2),
            sn=(82, 83)),
    Profile("bcf_discharge_usual_residence", "prop", (92.5, 93.5), (14000, 4800), sd=0.4,
            covid=-0.5, den_covid=0.2),
    # ------------------------------------------------------------ commissioning
    Profile("com_jcu_contracts", "stock", (38, 9), trend=0.01, sd=0.03),
    Profile("com_gp_practices", "stock", (78, 24), trend=-0.008, sd=0.004),
    Profile("com_jcu_pharmacies", "stock", (42, 0), trend=0.02, sd=0.02, joint=True),
    Profile("com_contract_awards", "count", (3, 1.2), sd=0.2),
    Profile("com_pc_gp_stop_smoking", level=(86, 40), den=(77, 23), season=3, peak=2, sd=3, **W),
    Profile("com_pc_pharm_stop_smoking", level=(57, 8), den=(109, 16), season=3, peak=2, sd=3,
            parts=True,
            breakdowns={"cambridgeshire": [("NRT voucher only", 0.645, 0, 0),
                                           ("Full service", 0.355, 0, 0)]},
            **W),
    Profile("com_pc_gp_health_checks", level=(92, 83), den=(77, 23), season=3, peak=2, sd=2, **W),
    Profile("com_pc_pharm_health_checks", level=(67, 0), den=(3, 0), sd=5, areas=CAMBS, **W),
    Profile("com_pc_gp_larc", level=(84, 83), den=(77, 24), season=3, peak=2, sd=2, **W),
    Profile("com_pc_pharm_ehc", level=(42, 53), den=(109, 30), season=3, peak=2, sd=3, **W),
    Profile("com_pc_gp_chlamydia", level=(89, 0), den=(77, 0), season=3, peak=2, sd=2, areas=CAMBS,
            **W),
    Profile("com_pc_pharm_chlamydia", level=(37, 0), den=(109, 0), season=3, peak=2, sd=3,
            areas=CAMBS, **W),
    Profile("com_pc_gp_alcohol_detox", level=(43, 0), den=(77, 0), sd=3, areas=CAMBS, parts=True,
            breakdowns={"cambridgeshire": [("Active", 0.15, 0, 0)]}, **W),
    Profile("com_wp_new_employers", "count", (3, 2.5), covid=0.6, sd=0.2,
            targets=both([10, 11, 11, 12, 12, 12, 12], [8, 9, 9, 10, 10, 10, 10])),
    Profile("com_wp_mhfa_lite", "count", (1.4, 1.2), covid=0.6, sd=0.2, targets=both(5, 4)),
    Profile("com_wp_networks", "count", (0.9, 0.8), covid=0.5, sd=0.2, targets=both(3, 3)),
    Profile("com_wp_champion_sessions", "count", (4, 0), covid=0.6, sd=0.2, joint=True),
    Profile("com_wp_champion_networks", "stock", (4, 0), trend=0.12, sd=0.05, joint=True,
            monotone=True),
    Profile("com_hs_ffl_schools_engaged", "stock", (26, 12), trend=0.03, sd=0.03,
            targets=both(30, 14)),
    Profile("com_hs_ffl_school_awards", "stock", (4, 1), trend=0.35, sd=0.05, monotone=True,
            targets=both([6, 13, 16, 19, 21, 23, 25], [2, 4, 6, 8, 10, 12, 14])),
    Profile("com_hs_ffl_ey_engaged", "stock", (17, 8), trend=0.05, sd=0.03, targets=both(20, 10)),
    Profile("com_hs_ffl_ey_awards", "stock", (1, 0.5), trend=0.4, sd=0.1, monotone=True,
            targets=both(20, 8)),
    Profile("com_budget_spent", "prop", (99, 99.5), (26500, 10500), sd=0.6, den_mode="fy",
            den_trend=-0.02, quarter_share=True),
]
# fmt: on

BY_ID = {p.id: p for p in PROFILES}
