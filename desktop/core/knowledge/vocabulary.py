"""The medical vocabulary the query normaliser uses: misspellings, abbreviations, brand names,
casual words. Data only; the logic is in :mod:`desktop.core.knowledge.normalise`."""

from __future__ import annotations

# Brand name -> generic name (US brands; lower-case keys).
BRANDS: dict[str, str] = {
    "kisqali": "ribociclib", "ibrance": "palbociclib", "verzenio": "abemaciclib",
    "enhertu": "trastuzumab deruxtecan", "herceptin": "trastuzumab", "perjeta": "pertuzumab",
    "phesgo": "pertuzumab trastuzumab", "kadcyla": "trastuzumab emtansine",
    "tukysa": "tucatinib", "nerlynx": "neratinib", "tykerb": "lapatinib",
    "lynparza": "olaparib", "talzenna": "talazoparib", "keytruda": "pembrolizumab",
    "trodelvy": "sacituzumab govitecan", "datroway": "datopotamab deruxtecan",
    "piqray": "alpelisib", "truqap": "capivasertib", "itovebi": "inavolisib",
    "orserdu": "elacestrant", "inluriyo": "imlunestrant", "faslodex": "fulvestrant",
    "femara": "letrozole", "arimidex": "anastrozole", "aromasin": "exemestane",
    "nolvadex": "tamoxifen", "soltamox": "tamoxifen", "zoladex": "goserelin",
    "lupron": "leuprolide", "xgeva": "denosumab", "prolia": "denosumab",
    "zometa": "zoledronic acid", "reclast": "zoledronic acid", "xeloda": "capecitabine",
    "taxol": "paclitaxel", "taxotere": "docetaxel", "adriamycin": "doxorubicin",
    "abraxane": "nab-paclitaxel", "halaven": "eribulin", "neulasta": "pegfilgrastim",
    "neupogen": "filgrastim", "cytoxan": "cyclophosphamide", "gemzar": "gemcitabine",
    "evista": "raloxifene", "effexor": "venlafaxine", "actemra": "tocilizumab",
}

# Abbreviations and casual words -> words the packs use (lower-case keys, matched as tokens).
EXPANSIONS: dict[str, str] = {
    "er": "estrogen receptor", "pr": "progesterone receptor", "hr": "hormone receptor",
    "er+": "estrogen receptor positive", "pr+": "progesterone receptor positive",
    "hr+": "hormone receptor positive", "her2+": "her2-positive", "her2-": "her2-negative",
    "tnbc": "triple-negative breast cancer", "anc": "absolute neutrophil count neutrophils",
    "wbc": "white blood cell count", "cbc": "complete blood count",
    "cdk4/6": "cdk4/6 inhibitor", "cdk46": "cdk4/6 inhibitor", "cdk": "cdk4/6 inhibitor",
    "ai": "aromatase inhibitor", "ais": "aromatase inhibitors",
    "serd": "selective estrogen receptor degrader", "serds": "oral serds",
    "ihc": "immunohistochemistry", "ish": "in situ hybridization", "fish": "in situ hybridization",
    "t-dxd": "trastuzumab deruxtecan", "tdxd": "trastuzumab deruxtecan",
    "t-dm1": "trastuzumab emtansine", "tdm1": "trastuzumab emtansine",
    "adc": "antibody-drug conjugate", "adcs": "antibody-drug conjugates",
    "sg": "sacituzumab govitecan", "dato-dxd": "datopotamab deruxtecan",
    "idc": "invasive ductal carcinoma", "ilc": "invasive lobular carcinoma",
    "dcis": "ductal carcinoma in situ", "lcis": "lobular carcinoma in situ",
    "ibc": "inflammatory breast cancer", "mbc": "metastatic breast cancer",
    "ebc": "early breast cancer", "sbrt": "stereotactic body radiation therapy",
    "srs": "stereotactic radiosurgery", "pcr": "pathologic complete response",
    "slnb": "sentinel lymph node biopsy", "alnd": "axillary lymph node dissection",
    "ofs": "ovarian function suppression", "lvef": "heart pumping function",
    "ild": "interstitial lung disease", "crs": "cytokine release syndrome",
    "icans": "neurotoxicity", "car-t": "car-t cell therapy", "cart": "car-t cell therapy",
    "ngs": "tumor genomic testing", "ctdna": "circulating tumor dna liquid biopsy",
    "vte": "blood clot", "dvt": "blood clot deep vein thrombosis", "pe": "pulmonary embolism blood clot",
    "ki67": "ki-67", "rs": "recurrence score", "onco": "oncotype",
    "chemo": "chemotherapy", "rads": "radiation", "rad": "radiation", "radio": "radiation",
    "mets": "metastases", "met": "metastasis", "metastatic": "metastatic",
    "oligomet": "oligometastatic", "oligomets": "oligometastatic",
    "onc": "oncologist", "oncologist": "oncologist", "dr": "doctor", "doc": "doctor",
    "dx": "diagnosis", "tx": "treatment", "rx": "prescription", "meds": "medicines",
    "med": "medicine", "bc": "breast cancer", "brca": "brca",
    "offlabel": "off-label", "offlabels": "off-label", "hotflashes": "hot flashes",
    "lymphoedema": "lymphedema", "oedema": "edema", "tumour": "tumor", "tumours": "tumors",
    "oestrogen": "estrogen", "haemoglobin": "hemoglobin", "anaemia": "anemia",
    "diarrhea": "diarrhoea", "counselling": "counseling", "hypercalcaemia": "hypercalcemia",
    "neutropaenia": "neutropenia", "oesophagus": "esophagus",
}

# Frequent misspellings -> correct term. Fuzzy matching against TERMS catches many more.
MISSPELLINGS: dict[str, str] = {
    "ribocyclib": "ribociclib", "ribociclip": "ribociclib", "ribocicilib": "ribociclib",
    "palbocyclib": "palbociclib", "palbociclip": "palbociclib", "abemacyclib": "abemaciclib",
    "tamoxifin": "tamoxifen", "tamoxiphen": "tamoxifen", "tamoxofen": "tamoxifen",
    "letrazole": "letrozole", "anastrazole": "anastrozole", "exemastane": "exemestane",
    "herceptine": "herceptin", "trastuzamab": "trastuzumab", "pertuzamab": "pertuzumab",
    "neutropenea": "neutropenia", "nutropenia": "neutropenia", "neutrophills": "neutrophils",
    "metastisis": "metastasis", "metastases": "metastases", "metastatis": "metastasis",
    "chemotheraphy": "chemotherapy", "chemoterapy": "chemotherapy", "mastectamy": "mastectomy",
    "lumpectamy": "lumpectomy", "oncotipe": "oncotype", "lymphodema": "lymphedema",
    "lymphedma": "lymphedema", "fulvestrent": "fulvestrant", "denosumap": "denosumab",
    "olaparab": "olaparib", "pembrolizumap": "pembrolizumab", "capecitibine": "capecitabine",
    "pysh": "push", "5aking": "taking", "takeing": "taking", "brest": "breast",
    "cancar": "cancer", "canser": "cancer", "sideeffects": "side effects",
    "sideffects": "side effects", "recurance": "recurrence", "reccurence": "recurrence",
    "oligometastic": "oligometastatic", "radiaton": "radiation", "biopsey": "biopsy",
}

# Terms fuzzy correction may map unknown words onto (drugs, genes, conditions).
TERMS: frozenset[str] = frozenset(
    set(BRANDS) | {w for v in BRANDS.values() for w in v.split()} | set(MISSPELLINGS.values())
    | {
        "neutrophil", "neutrophils", "neutropenia", "febrile", "lymphedema", "metastasis",
        "metastatic", "oligometastatic", "chemotherapy", "radiation", "mastectomy",
        "lumpectomy", "reconstruction", "oncologist", "estrogen", "progesterone", "receptor",
        "aromatase", "inhibitor", "inhibitors", "immunotherapy", "pneumonitis", "neuropathy",
        "fatigue", "nausea", "diarrhoea", "osteoporosis", "fertility", "pregnancy",
        "menopause", "recurrence", "survivorship", "palliative", "integrative", "acupuncture",
        "supplements", "grapefruit", "metformin", "clinical", "trial", "trials", "sentinel",
        "lymph", "biopsy", "pathology", "mammogram", "ultrasound", "inflammatory", "lobular",
        "ductal", "triple", "negative", "positive", "carcinoma", "genetic", "counseling",
        "mutation", "pik3ca", "esr1", "akt1", "pten", "brca1", "brca2", "palb2", "her2",
        "hormone", "endocrine", "ovarian", "suppression", "goserelin", "leuprolide",
        "elacestrant", "imlunestrant", "camizestrant", "alpelisib", "capivasertib",
        "inavolisib", "sacituzumab", "govitecan", "datopotamab", "deruxtecan", "tucatinib",
        "neratinib", "emtansine", "zoledronic", "denosumab", "mesothelin", "cytokine",
        "tocilizumab", "hypercalcemia", "thrombosis", "capecitabine", "paclitaxel",
        "docetaxel", "doxorubicin", "cyclophosphamide", "carboplatin", "eribulin",
    }
)
