"""The demo's reviews: twelve patients of the year's finished courses reviewed their clinic
through the platform's invitation (six at each); at Northside a moderator withheld one that
told a neighbour's health information, with the ground kept, and the clinic replied to one."""

from ketacare.accounts.models import User
from ketacare.clinics.actors import PUBLIC, SystemActor, staff_actor
from ketacare.clinics.models import Clinic
from ketacare.demo.network import DemoClinic, staff_email
from ketacare.directory.models import Review
from ketacare.directory.reviews import (
    invitation_create,
    review_reply,
    review_submit,
    review_withhold,
)
from ketacare.directory.tasks import INVITE_TASK
from ketacare.patients.actors import actor_for
from ketacare.treatment.models import CourseStatus, TreatmentCourse

MODERATOR_EMAIL = "moderator@ketacare.demo"
# (overall, safety, communication, comfort, display name, text)
REVIEWS = (
    (5, 5, 5, 4, "", "The nurses checked on me the whole time and explained every step."),
    (4, 5, 4, 4, "M.", "I felt safe. The waiting area was busy but the rooms were quiet."),
    (5, 5, 4, 5, "Sam", "After years of trying medications this was the first thing that helped."),
    (3, 4, 3, 3, "", "Good care, but appointments ran late more than once."),
    (4, 4, 5, 4, "R. from the coast", "The therapist sessions before and after made a difference."),
    (2, 4, 2, 3, "", "Clinically fine, but nobody called me back about a billing question."),
)
WITHHELD = "My neighbour Ann was treated here for her psychosis and she is worse."


def moderator(password: str) -> User:
    """The platform's review moderator (a platform role, not a clinic's)."""
    found = User.objects.filter(email=MODERATOR_EMAIL).first()
    if found is not None:
        return found
    return User.objects.create_user(email=MODERATOR_EMAIL, password=password,
                                    full_name="Morgan Reyes", is_staff=True)  # fmt: skip


def _published(course: TreatmentCourse, row: tuple[int, int, int, int, str, str]) -> Review:
    overall, safety, talk, comfort, name, text = row
    _, token = invitation_create(actor=SystemActor(INVITE_TASK, course.clinic), course=course)
    ratings = {"overall": overall, "safety": safety, "communication": talk, "comfort": comfort}
    return review_submit(actor=PUBLIC, token=token, display_name=name, text=text, **ratings)


def seed_reviews(spec: DemoClinic, clinic: Clinic, password: str) -> None:
    ended = list(
        TreatmentCourse.objects.filter(clinic=clinic, status=CourseStatus.ENDED).order_by("pk")
    )
    written = [_published(course, row) for course, row in zip(ended, REVIEWS, strict=False)]
    admin = staff_actor(User.objects.get(email=staff_email("admin", spec)))
    review_reply(actor=admin, review=written[-1], template="private")
    if spec.slug == "northside":
        withheld = _published(ended[len(REVIEWS)], (1, 3, 1, 2, "", WITHHELD))
        review_withhold(actor=actor_for(moderator(password)), review=withheld,
                        reason="health_information")  # fmt: skip
