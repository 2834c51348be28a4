"""A small cooperative taken to an approved batch, shared by the order, delivery and statement
tests: two members, two suppliers, three needs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from purchasing.batches.batches import approve_batch
from purchasing.models import Batch, Member, Need, PurchaseOrder, User
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs
from suppliers.models import Supplier


@dataclass
class Approved:
    batch: Batch
    lead: User
    members: list[Member]
    users: list[User]
    needs: list[Need]
    suppliers: list[Supplier]

    def ids(self) -> dict[str, Any]:
        """What the builder made, by id: enough to find it again in a copy of the database."""
        return {
            "batch": self.batch.id,
            "lead": self.lead.id,
            **{
                name: [each.id for each in getattr(self, name)]
                for name in ("members", "users", "needs", "suppliers")
            },
        }

    @classmethod
    def of(cls, session, ids: dict[str, Any]) -> Approved:
        """The builder's result read back from `ids` in `session`."""
        return cls(
            session.get_one(Batch, ids["batch"]),
            session.get_one(User, ids["lead"]),
            [session.get_one(Member, each) for each in ids["members"]],
            [session.get_one(User, each) for each in ids["users"]],
            [session.get_one(Need, each) for each in ids["needs"]],
            [session.get_one(Supplier, each) for each in ids["suppliers"]],
        )

    def orders(self, session) -> list[PurchaseOrder]:
        return list(
            session.scalars(
                select(PurchaseOrder)
                .where(PurchaseOrder.batch_id == self.batch.id)
                .order_by(PurchaseOrder.sequence)
            )
        )


def closed_batch(session, make, sessions, *, needs=None, paper_pack="1"):
    """Closes a round with needs for paper (supplier A, sold in packs of `paper_pack`) and
    soap (supplier B); returns the batch with its first scenario computed, the lead, members
    and needs."""
    lead = make.user("lead", name="Julien Marchal", email="lead@example.org")
    first = make.member("Atelier Vélo", address="3 rue Jeanne d'Arc", postcode="54000")
    second = make.member("Épicerie du Coin", address="12 place Stanislas", postcode="54000")
    users = [
        make.user("member", member=first, email="velo@example.org"),
        make.user("member", member=second, email="epicerie@example.org"),
    ]
    paper = make.product("Ramette A4 recyclée 80 g")
    soap = make.product("Savon liquide 5 L", unit="unit")
    papeterie = make.supplier(
        "Papeterie de l'Est", contact_email="commandes@papeterie.example", delivery_fee="12.50"
    )
    droguerie = make.supplier(
        "Droguerie Verte", contact_email="commandes@droguerie.example", delivery_fee="8"
    )
    make.offer(
        product=paper, supplier=papeterie, price="4.15", lead_time_days=2, supplier_ref="PAP-A4",
        pack_size=paper_pack,
    )  # fmt: skip
    make.offer(
        product=soap, supplier=droguerie, price="11.90", lead_time_days=3, supplier_ref="SAV-5L"
    )
    wanted = needs or [(first, paper, "20"), (second, paper, "30"), (second, soap, "4")]
    made = [make.need(member, product, quantity=q) for member, product, q in wanted]
    result = close_round(session, actor=None)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    batch = session.get(Batch, result.batch_id)
    return batch, lead, [first, second], users, made, [papeterie, droguerie]


def approved_batch(session, make, sessions, **kwargs) -> Approved:
    batch, lead, members, users, needs, suppliers = closed_batch(session, make, sessions, **kwargs)
    approve_batch(session, batch.id, "1", actor=lead)
    session.commit()
    session.expire_all()
    return Approved(session.get(Batch, batch.id), lead, members, users, needs, suppliers)


def units(value) -> Decimal:
    return Decimal(str(value))


def pdf_text(data: bytes) -> str:
    """The text of a PDF as a reader extracts it, non-breaking spaces as spaces."""
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ")
