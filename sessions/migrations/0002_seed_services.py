"""Seed the service categories and services of docs/product.md."""

from django.db import migrations

# (category code, vi, en, [(service code, vi, en, asks_procedure)])
TAXONOMY = [
    (
        "vneid",
        "Định danh điện tử VNeID",
        "VNeID electronic identity",
        [
            ("vneid_install", "Cài đặt ứng dụng VNeID", "Install the VNeID app", False),
            ("vneid_level2", "Kích hoạt tài khoản định danh mức 2", "Activate a level-2 account", False),
            ("vneid_recovery", "Khôi phục mật khẩu, đăng nhập", "Recover password or login", False),
            (
                "vneid_documents",
                "Tích hợp giấy tờ vào ví (GPLX, BHYT, đăng ký xe)",
                "Add documents to the wallet (driving licence, health insurance, vehicle registration)",
                False,
            ),
        ],
    ),
    (
        "public_services",
        "Dịch vụ công trực tuyến",
        "Online public services",
        [
            ("portal_account", "Tạo tài khoản Cổng dịch vụ công", "Public service portal account", False),
            ("file_online", "Nộp hồ sơ thủ tục trực tuyến", "File a procedure online", True),
            ("lookup_result", "Tra cứu kết quả giải quyết", "Look up a result", False),
            ("pay_fees", "Thanh toán phí, lệ phí trực tuyến", "Pay fees online", False),
            ("fill_forms", "Kê khai, điền biểu mẫu", "Fill in forms", False),
            ("digital_signature", "Chữ ký số", "Digital signature", False),
        ],
    ),
    (
        "desk",
        "Hỗ trợ tại quầy",
        "Help at the desk",
        [
            ("queue_triage", "Hướng dẫn, phân luồng", "Queue triage", False),
            ("explain_procedure", "Giải thích thủ tục", "Explain a procedure", False),
            (
                "help_elderly_disabled",
                "Hỗ trợ người cao tuổi, người khuyết tật",
                "Help elderly or disabled citizens",
                False,
            ),
        ],
    ),
    (
        "staff_support",
        "Hỗ trợ cán bộ",
        "Support to officials",
        [
            ("data_entry", "Nhập liệu, số hoá hồ sơ", "Data entry and digitising records", False),
            ("resident_data", "Làm sạch dữ liệu dân cư", "Cleaning resident data", False),
            ("party_member_data", "Cập nhật dữ liệu đảng viên", "Updating party-member data", False),
        ],
    ),
    (
        "party",
        "Đảng viên",
        "Party members",
        [
            ("party_card_renewal", "Đổi thẻ đảng viên", "Party-card renewal", False),
            (
                "congress_feedback",
                "Góp ý dự thảo văn kiện Đại hội qua VNeID",
                "Feedback on Party Congress drafts via VNeID",
                False,
            ),
        ],
    ),
    (
        "digital_skills",
        "Kỹ năng số",
        "Digital skills",
        [
            ("smartphone_basics", "Sử dụng điện thoại thông minh", "Smartphone basics", False),
            (
                "safe_internet",
                "Internet an toàn, phòng chống lừa đảo",
                "Safe internet and scam awareness",
                False,
            ),
            ("binh_dan_hoc_vu_so", "Khoá học “Bình dân học vụ số”", "“Bình dân học vụ số” course", False),
            ("ai_basics", "AI cơ bản", "AI basics", False),
        ],
    ),
    (
        "cashless",
        "Thanh toán không dùng tiền mặt",
        "Cashless payment",
        [
            ("banking_app", "Cài đặt, sử dụng ứng dụng ngân hàng", "Banking app", False),
            ("qr_payment", "Thanh toán bằng mã QR", "QR payment", False),
            ("pay_bills", "Thanh toán hoá đơn", "Paying bills", False),
        ],
    ),
    (
        "ecommerce",
        "Thương mại điện tử",
        "E-commerce",
        [
            ("selling_online", "Bán hàng trực tuyến", "Selling online", False),
        ],
    ),
]



def seed(apps, schema_editor):
    Category = apps.get_model("help_sessions", "ServiceCategory")
    Service = apps.get_model("help_sessions", "Service")
    for category_order, (code, name_vi, name_en, services) in enumerate(TAXONOMY, start=1):
        category, _ = Category.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "order": category_order * 10}
        )
        for order, (service_code, service_vi, service_en, asks_procedure) in enumerate(services, start=1):
            Service.objects.update_or_create(
                code=service_code,
                defaults={
                    "category": category,
                    "name_vi": service_vi,
                    "name_en": service_en,
                    "order": order * 10,
                    "asks_procedure": asks_procedure,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("help_sessions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
