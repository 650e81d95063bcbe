"""Layout sources of the development half's PDF documents (rendered by ../make_pdfs.py).

Every patient, clinician, laboratory and hospital here is invented; the layouts follow
public examples named in ../README.md."""

W_US = [58, 20, 14, 24, 40]  # test, result, flag, units, reference interval

DOCS = {
    "02_single_report_cbc_cmp_us.pdf": [
        ("side", "NORTHFIELD REGIONAL LABORATORIES\n1400 Commerce Park Drive\nCLIA# [removed]",
         "Patient: [removed]\nDOB: [removed]   Sex: F\nOrdering: Oncology Associates"),
        ("gap", 3),
        ("lines", "Collected: 03/14/2025 08:05    Received: 03/14/2025 09:40    "
                  "Reported: 03/14/2025 14:22"),
        ("gap", 2),
        ("table", W_US, [
            ["Test", "Result", "Flag", "Units", "Reference Interval"],
        ]),
        ("bold", "CBC WITH DIFFERENTIAL/PLATELET"),
        ("table", W_US, [
            ["WBC", "3.2", "L", "K/uL", "4.0-10.5"],
            ["RBC", "3.71", "L", "M/uL", "3.90-5.20"],
            ["Hemoglobin", "11.2", "L", "g/dL", "11.7-15.5"],
            ["Hematocrit", "33.9", "L", "%", "35.0-45.0"],
            ["Platelets", "162", "", "K/uL", "150-400"],
            ["Absolute Neutrophils", "1.1", "L", "K/uL", "1.5-7.8"],
        ], False),
        ("bold", "COMPREHENSIVE METABOLIC PANEL"),
        ("table", W_US, [
            ["Glucose", "97", "", "mg/dL", "65-99"],
            ["Creatinine", "0.78", "", "mg/dL", "0.50-1.05"],
            ["eGFR", "92", "", "mL/min/1.73m2", "> OR = 60"],
            ["Calcium", "9.4", "", "mg/dL", "8.6-10.4"],
            ["AST", "48", "H", "U/L", "10-35"],
            ["ALT", "61", "H", "U/L", "6-29"],
            ["Alkaline Phosphatase", "110", "", "U/L", "37-153"],
            ["Bilirubin, Total", "0.6", "", "mg/dL", "0.2-1.2"],
            ["Albumin", "4.0", "", "g/dL", "3.6-5.1"],
        ], False),
        ("gap", 3),
        ("para", "Critical values are telephoned to the ordering provider. An absolute "
                 "neutrophil count below 0.5 K/uL is a critical value."),
    ],
    "05_chemo_day_unit_record_uk.pdf": [
        ("title", "CHEMOTHERAPY DAY UNIT - TREATMENT RECORD"),
        ("side", "Regimen: weekly paclitaxel 80 mg/m2 (12 weeks)\nWeek: 7 of 12\n"
                 "Consultant: Dr R Okafor",
         "Date of treatment: 09/06/2025\nHospital No: [removed]\nBSA: 1.71 m2"),
        ("gap", 2),
        ("bold", "Pre-treatment bloods (taken 08/06/2025)"),
        ("table", [40, 22, 26, 30, 14], [
            ["Test", "Result", "Units", "Range", "Flag"],
            ["Hb", "104", "g/L", "115-165", "L"],
            ["WBC", "3.9", "x10^9/L", "4.0-11.0", "L"],
            ["Neutrophils", "1.6", "x10^9/L", "2.0-7.5", "L"],
            ["Platelets", "210", "x10^9/L", "150-400", ""],
            ["Bilirubin", "7", "umol/L", "0-21", ""],
            ["ALT", "35", "U/L", "0-33", "H"],
            ["Creatinine", "71", "umol/L", "45-84", ""],
        ]),
        ("gap", 2),
        ("para", "Toxicity assessment: peripheral neuropathy grade 2 (tingling in both feet, "
                 "difficulty with buttons). No infection. Performance status 1."),
        ("gap", 2),
        ("box", "DECISION: PACLITAXEL DOSE REDUCED TO 64 MG/M2 (80%) FROM WEEK 7 BECAUSE OF "
                "GRADE 2 PERIPHERAL NEUROPATHY. Discussed with Dr Okafor.", 70),
        ("gap", 2),
        ("para", "Treatment given today at the reduced dose. Neutrophils 1.6 meet the unit's "
                 "threshold for weekly paclitaxel (neutrophils 1.0 x10^9/L or more and "
                 "platelets 100 x10^9/L or more)."),
        ("para", "Next treatment due 16/06/2025."),
    ],
    "08_tumour_marker_cumulative_rows_uk.pdf": [
        ("title", "CLINICAL BIOCHEMISTRY - TUMOUR MARKERS (CUMULATIVE)"),
        ("lines", "Western Counties Pathology Partnership          Report date: 18 Nov 2025\n"
                  "Patient: [removed]      NHS No: [removed]      Requested by: Breast Oncology"),
        ("gap", 3),
        ("table", [40, 40, 40, 60], [
            ["Specimen date", "CA 15-3 (kU/L)", "CEA (ug/L)", "Comment"],
            ["", "Ref: <30", "Ref: <5", ""],
            ["12 May 2025", "28", "3.1", ""],
            ["11 Aug 2025", "41 H", "4.2", ""],
            ["17 Nov 2025", "67 H", "6.8 H", "Rising - see comment"],
        ]),
        ("gap", 3),
        ("para", "Comment: CEA reference range for smokers is <10 ug/L. Rising CA 15-3 on "
                 "serial samples; please correlate with imaging. Tumour markers are not "
                 "diagnostic on their own."),
    ],
    "11_letter_palbociclib_hold_restart_uk.pdf": [
        ("side", "Department of Medical Oncology\nHarbour View Hospital\nQuay Road",
         "Date: 30 June 2025\nOur ref: MO/[removed]\nClinic: Breast oncology"),
        ("gap", 4),
        ("lines", "Dear Ms [removed],"),
        ("gap", 2),
        ("box", "TREATMENT CHANGE: PALBOCICLIB REDUCED FROM 125 MG TO 100 MG DAILY (21 DAYS "
                "ON, 7 DAYS OFF) FROM 30/06/2025 BECAUSE OF RECURRENT GRADE 3 NEUTROPENIA.",
         80),
        ("gap", 2),
        ("para", "It was good to see you in clinic today. Your blood count on 23 June showed "
                 "neutrophils of 0.8 x10^9/L, which is lower than we would like, so we paused "
                 "palbociclib from 23 June for one week. Your repeat count today had recovered "
                 "to 1.6 x10^9/L, so you can restart palbociclib today at the lower dose of "
                 "100 mg. Your platelets were 143 x10^9/L on 23 June and 171 today.", 120),
        ("gap", 2),
        ("para", "Please carry on with your fulvestrant injections every four weeks as "
                 "before. We talked about abemaciclib as an alternative if your blood counts "
                 "stay low, but we are not changing to it now.", 120),
        ("gap", 2),
        ("para", "With best wishes,\n\nDr C Nwosu\nConsultant Medical Oncologist\n"
                 "cc: your GP"),
    ],
    "14_hematology_flowsheet_rows_us.pdf": [
        ("title", "HEMATOLOGY FLOWSHEET"),
        ("lines", "Lakeside Cancer Institute - Infusion Center       Printed 10/03/2025\n"
                  "Patient: [removed]   MRN: [removed]"),
        ("gap", 3),
        ("table", [30, 30, 30, 30, 30], [
            ["Date", "WBC", "ANC", "Hgb", "Plt"],
            ["", "K/uL", "K/uL", "g/dL", "K/uL"],
            ["Ref", "4.0-11.0", "1.5-8.0", "12.0-15.5", "150-400"],
            ["07/08/2025", "5.2", "3.4", "12.4", "254"],
            ["08/05/2025", "2.8 L", "1.0 L", "11.6 L", "188"],
            ["09/02/2025", "3.6 L", "1.7", "11.9 L", "201"],
            ["09/30/2025", "3.9 L", "1.9", "12.1", "223"],
        ]),
        ("gap", 3),
        ("para", "L = below reference interval; H = above reference interval."),
    ],
    "20_discharge_febrile_neutropenia_uk.pdf": [
        ("title", "DISCHARGE SUMMARY"),
        ("side", "Ward 12 (Haematology/Oncology)\nSt Brendan's Hospital\n"
                 "Consultant: Dr G Farrow",
         "Admitted: 11/10/2025\nDischarged: 15/10/2025\nHospital No: [removed]"),
        ("gap", 2),
        ("para", "Diagnosis: neutropenic sepsis (source not identified) after cycle 2 of "
                 "docetaxel for early breast cancer (neoadjuvant)."),
        ("para", "Presentation: temperature 38.6 C at home; neutrophils 0.2 x10^9/L on "
                 "admission (11/10/2025). Treated with IV antibiotics within the hour."),
        ("gap", 2),
        ("table", [34, 22, 22, 22, 22, 48], [
            ["Results", "11/10/25", "12/10/25", "13/10/25", "15/10/25", "Range"],
            ["Neutrophils", "0.2 L", "0.3 L", "0.9 L", "2.6", "2.0-7.5 x10^9/L"],
            ["CRP", "187 H", "142 H", "88 H", "31 H", "0-5 mg/L"],
            ["Haemoglobin", "109 L", "104 L", "102 L", "106 L", "115-165 g/L"],
        ]),
        ("gap", 2),
        ("bold", "Medication changes"),
        ("box", "PIPERACILLIN-TAZOBACTAM 4.5 G IV THREE TIMES DAILY - STARTED 11/10/2025, "
                "STOPPED 13/10/2025 (STEP-DOWN TO ORAL)", 90),
        ("box", "CO-AMOXICLAV 625 MG THREE TIMES DAILY - STARTED 13/10/2025 FOR 5 DAYS IN "
                "TOTAL", 90),
        ("gap", 2),
        ("para", "Plan: oncology review before cycle 3. Cycle 3 of docetaxel is to be deferred "
                 "by one week and the dose will be reduced to 75%; pegfilgrastim is to be "
                 "added from cycle 3. These decisions rest with the oncology team at clinic."),
    ],
    "23_biochemistry_cumulative_flags_uk.pdf": [
        ("title", "CLINICAL BIOCHEMISTRY - CUMULATIVE REPORT"),
        ("lines", "Location: Oncology Outpatients          Printed: 14/10/25\n"
                  "Patient: [removed]   Hospital No: [removed]\n"
                  "Reference ranges are shown in [ ]."),
        ("gap", 3),
        ("table", [62, 30, 30, 30, 30], [
            ["Test (units) [range]", "21/07/25", "18/08/25", "15/09/25", "13/10/25"],
            ["Sodium (mmol/L) [133-146]", "139", "137", "136", "138"],
            ["Potassium (mmol/L) [3.5-5.3]", "4.2", "3.4L", "3.9", "4.1"],
            ["Creatinine (umol/L) [45-84]", "66", "72", "91H", "88H"],
            ["eGFR (mL/min/1.73m2) [>60]", "88", "81", "62", "65"],
            ["ALT (U/L) [<33]", "21", "45H", "112H", "64H"],
            ["Bilirubin (umol/L) [<21]", "8", "9", "11", "10"],
            ["Albumin (g/L) [35-50]", "41", "39", "36", "38"],
        ]),
        ("gap", 3),
        ("para", "eGFR is calculated with the CKD-EPI equation and is not valid in acute "
                 "kidney injury. ALT above 3 x the upper limit of normal: please review any "
                 "hepatotoxic medication."),
    ],
    "29_chemistry_cumulative_two_pages_us.pdf": [
        ("title", "CHEMISTRY - CUMULATIVE SUMMARY"),
        ("lines", "Patient: [removed]   MRN: [removed]   Printed 07/01/2025   Page 1 of 2"),
        ("gap", 3),
        ("table", [44, 44, 30, 30, 30], [
            ["Component", "Ref Range & Units", "5/5/2025", "6/2/2025", "6/30/2025"],
            ["SODIUM", "136-145 mmol/L", "140", "138", "141"],
            ["POTASSIUM", "3.5-5.1 mmol/L", "4.0", "3.3 (L)", "3.8"],
            ["GLUCOSE", "70-99 mg/dL", "104 (H)", "96", "118 (H)"],
            ["BUN", "7-25 mg/dL", "14", "18", "22"],
            ["CREATININE", "0.60-1.00 mg/dL", "0.82", "0.95", "1.12 (H)"],
        ]),
        ("page",),
        ("lines", "Patient: [removed]   MRN: [removed]   Printed 07/01/2025   Page 2 of 2"),
        ("gap", 3),
        ("table", [44, 44, 30, 30, 30], [
            ["Component", "Ref Range & Units", "5/5/2025", "6/2/2025", "6/30/2025"],
            ["AST (SGOT)", "10-35 U/L", "22", "58 (H)", "41 (H)"],
            ["ALT (SGPT)", "6-29 U/L", "18", "77 (H)", "49 (H)"],
            ["TOTAL BILIRUBIN", "0.2-1.2 mg/dL", "0.5", "0.7", "0.6"],
        ]),
        ("gap", 3),
        ("para", "(H) High, (L) Low. Reference ranges apply to adult females."),
    ],
    "34_letter_pertuzumab_stopped_us.pdf": [
        ("side", "Coastal Oncology Partners\n220 Harbor Blvd, Suite 400",
         "February 18, 2025\nRe: [removed]\nDOB: [removed]"),
        ("gap", 4),
        ("para", "Dear Dr. Alvarez,"),
        ("gap", 1),
        ("para", "I saw our mutual patient today for follow-up of HER2-positive metastatic "
                 "breast cancer on maintenance trastuzumab and pertuzumab after six cycles of "
                 "docetaxel. She has had grade 3 diarrhea for two weeks despite loperamide.",
         125),
        ("gap", 2),
        ("box", "PERTUZUMAB DISCONTINUED EFFECTIVE 02/18/2025 DUE TO GRADE 3 DIARRHEA. "
                "TRASTUZUMAB CONTINUES EVERY 3 WEEKS.", 62),
        ("gap", 2),
        ("para", "Labs from 02/17/2025: hemoglobin 10.9 g/dL (11.7-15.5) L, potassium "
                 "3.2 mmol/L (3.5-5.1) L, magnesium 1.6 mg/dL (1.7-2.2) L. Potassium chloride "
                 "20 mEq daily was started on 02/18/2025 for the low potassium.", 125),
        ("gap", 2),
        ("para", "Tucatinib was discussed as a possible future option; it has not been "
                 "prescribed. I will see her again in three weeks.", 125),
        ("gap", 2),
        ("para", "Sincerely,\n[removed], MD\nMedical Oncology"),
    ],
}
